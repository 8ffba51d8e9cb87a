import type { Effect } from '../domain/effect.ts';

/**
 * Every tool name Nova knows, with its effects, including tools that later work adds.
 * Agent files may name a reserved tool before it exists: validation warns, the runtime does
 * not offer it. A name that is not here at all is a typo and an error.
 */
export interface ToolCatalogEntry {
  readonly name: string;
  readonly effects: readonly Effect[];
  readonly summary: string;
}

export const toolCatalog: readonly ToolCatalogEntry[] = [
  { name: 'project_list_files', effects: ['read'], summary: 'list files of a project' },
  { name: 'project_read_file', effects: ['read'], summary: 'read a file of a project' },
  { name: 'project_search', effects: ['read'], summary: 'search text in the files of a project' },
  { name: 'notes_add', effects: ['write'], summary: "add a note to Nova's notebook" },
  { name: 'notes_search', effects: ['read'], summary: "search Nova's notebook" },
  // Reserved for later work (routing/delegation, memory, trust boundaries, reminders).
  { name: 'delegate', effects: ['read'], summary: 'hand a task to another agent' },
  { name: 'memory_search', effects: ['read'], summary: 'search memory within allowed scopes' },
  { name: 'memory_write', effects: ['write'], summary: 'remember a fact, decision or preference' },
  { name: 'project_write_file', effects: ['write'], summary: 'write a file inside a project' },
  { name: 'project_edit_file', effects: ['write'], summary: 'replace text in a file inside a project' },
  { name: 'shell_exec', effects: ['exec'], summary: 'run a program in a project folder' },
  { name: 'http_fetch', effects: ['read'], summary: 'GET a page from an allowed host (untrusted content)' },
  { name: 'http_request', effects: ['external'], summary: 'send an HTTP request to an allowed host' },
  { name: 'sql_query', effects: ['read'], summary: "read-only SQL on a project's database" },
  { name: 'git_diff', effects: ['read'], summary: 'show a diff of a project repository' },
  { name: 'reminder_create', effects: ['write'], summary: 'schedule a reminder' },
  { name: 'reminder_list', effects: ['read'], summary: 'list reminders' },
  { name: 'reminder_cancel', effects: ['write'], summary: 'cancel a reminder' },
  { name: 'task_create', effects: ['write'], summary: 'add a task to the task list' },
  { name: 'task_update', effects: ['write'], summary: 'update a task' },
  { name: 'task_list', effects: ['read'], summary: 'list tasks' },
  { name: 'email_draft', effects: ['write'], summary: 'save an e-mail draft (never sends)' },
];

export function findCatalogEntry(name: string): ToolCatalogEntry | undefined {
  return toolCatalog.find((entry) => entry.name === name);
}
