import type { Clock } from '../../ports/clock.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import type { NoteStore } from '../../ports/note-store.ts';
import type { Tool } from '../tool.ts';
import { createNoteTools } from './notes.ts';
import { projectListFilesTool, projectReadFileTool, projectSearchTool } from './project-files.ts';

/** Every tool this build provides. */
export function createBuiltinTools(options: { notes: NoteStore; ids: IdGenerator; clock: Clock }): Tool[] {
  return [
    projectListFilesTool,
    projectReadFileTool,
    projectSearchTool,
    ...createNoteTools({ store: options.notes, ids: options.ids, clock: options.clock }),
  ];
}
