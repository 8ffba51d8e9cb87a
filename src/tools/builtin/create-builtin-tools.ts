import type { Clock } from '../../ports/clock.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import type { NoteStore } from '../../ports/note-store.ts';
import type { Tool } from '../tool.ts';
import { createNoteTools } from './notes.ts';
import { createReminderTools, type ReminderAccess } from './reminders.ts';
import { createTodoTools } from './todos.ts';
import type { TodoStore } from '../../ports/todo-store.ts';
import { createMemoryTools, type MemoryAccess, type MemoryPolicyLookup } from './memory.ts';
import { projectListFilesTool } from './project-list-files.ts';
import { projectReadFileTool } from './project-read-file.ts';
import { projectSearchTool } from './project-search.ts';

export interface BuiltinToolOptions {
  readonly notes: NoteStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** Reminders, when this Nova keeps them. */
  readonly reminders?: ReminderAccess;
  /** The to-do list, and the time zone that decides what "overdue" means. */
  readonly todos?: { readonly store: TodoStore; readonly timeZone: string };
  /** Memory, and each agent's memory policy. */
  readonly memory?: { readonly access: MemoryAccess; readonly policyOf: MemoryPolicyLookup };
}

/** Every tool this build provides, ready to register. */
export function createBuiltinTools(options: BuiltinToolOptions): Tool[] {
  return [
    projectListFilesTool,
    projectReadFileTool,
    projectSearchTool,
    ...createNoteTools({ store: options.notes, ids: options.ids, clock: options.clock }),
    ...(options.reminders ? createReminderTools(options.reminders) : []),
    ...(options.todos ? createTodoTools({ ...options.todos, ids: options.ids, clock: options.clock }) : []),
    ...(options.memory ? createMemoryTools(options.memory.access, options.memory.policyOf) : []),
  ];
}
