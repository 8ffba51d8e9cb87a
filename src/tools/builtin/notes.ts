import { z } from 'zod';
import type { Clock } from '../../ports/clock.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import type { Note, NoteStore } from '../../ports/note-store.ts';
import { defineTool, type Tool } from '../tool.ts';
import { selectProject } from './select-project.ts';

function formatNote(note: Note): string {
  const meta = [note.createdAt.slice(0, 10), note.projectId, ...note.tags.map((tag) => `#${tag}`)]
    .filter(Boolean)
    .join(' ');
  return `- [${note.id}] (${meta}) ${note.text}`;
}

/** `notes_add` and `notes_search` over Nova's notebook. */
export function createNoteTools(options: { store: NoteStore; ids: IdGenerator; clock: Clock }): Tool[] {
  const { store, ids, clock } = options;
  const notesAdd = defineTool({
    name: 'notes_add',
    description: "Save a short note in Nova's notebook (optionally tagged and tied to a project).",
    inputSchema: z
      .object({
        text: z.string().trim().min(1).max(10_000),
        tags: z
          .array(z.string().regex(/^[\w-]+$/, 'tags are single words'))
          .max(20)
          .default([]),
        project: z.string().min(1).optional(),
      })
      .strict(),
    effects: ['write'],
    async execute(input, context) {
      const projectId = input.project === undefined ? undefined : selectProject(context, input.project).id;
      const note: Note = {
        id: ids.next('note'),
        text: input.text,
        tags: input.tags,
        ...(projectId === undefined ? {} : { projectId }),
        author: context.agent,
        runId: context.runId,
        createdAt: new Date(clock.now()).toISOString(),
      };
      await store.add(note);
      return `Saved note ${note.id}.`;
    },
  });
  const notesSearch = defineTool({
    name: 'notes_search',
    description: "Search Nova's notebook by words; returns matching notes with their ids and dates.",
    inputSchema: z
      .object({
        query: z.string().trim().min(1),
        limit: z.number().int().min(1).max(50).default(10),
        project: z.string().min(1).optional(),
      })
      .strict(),
    effects: ['read'],
    async execute(input, context) {
      const projectId = input.project === undefined ? undefined : selectProject(context, input.project).id;
      const found = await store.search(input.query, {
        limit: input.limit,
        ...(projectId === undefined ? {} : { projectId }),
      });
      if (found.length === 0) return `No notes match "${input.query}".`;
      return found.map(formatNote).join('\n');
    },
  });
  return [notesAdd, notesSearch];
}
