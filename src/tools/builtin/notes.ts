import { z } from 'zod';
import type { Clock } from '../../ports/clock.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import type { Note, NoteStore } from '../../ports/note-store.ts';
import { defineTool, type Tool, type ToolContext } from '../tool.ts';
import { allowedProject } from './select-project.ts';

export interface NoteToolOptions {
  readonly store: NoteStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}

function formatNote(note: Note): string {
  const about = [
    note.createdAt.slice(0, 10),
    note.projectId === undefined ? undefined : `project ${note.projectId}`,
    ...note.tags.map((tag) => `#${tag}`),
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  return `- ${note.id} (${about}): ${note.text}`;
}

/**
 * Notes tied to a project are part of that project: an agent sees only notes without a project
 * and notes of projects its policy allows, whatever the query asks for.
 */
function visibleTo(context: ToolContext, note: Note): boolean {
  return note.projectId === undefined || context.projects.some((project) => project.id === note.projectId);
}

/** `notes_add` and `notes_search` over Nova's notebook. */
export function createNoteTools(options: NoteToolOptions): Tool[] {
  const { store, ids, clock } = options;

  const notesAdd = defineTool({
    name: 'notes_add',
    description:
      "Save a short note in Nova's notebook, optionally tagged and tied to a project. Returns the new note's id.",
    inputSchema: z
      .object({
        text: z.string().trim().min(1, 'a note needs some text').max(10_000).describe('the note itself'),
        tags: z
          .array(z.string().regex(/^[\p{L}\p{N}_-]+$/u, 'a tag is one word: letters, digits, "-" or "_"'))
          .max(20)
          .default([])
          .describe('single-word tags, e.g. ["invoice", "follow-up"]'),
        project: z
          .string()
          .min(1)
          .optional()
          .describe("id of the project the note is about; defaults to the task's project"),
      })
      .strict(),
    effects: ['write'],
    idempotent: true,
    async execute(input, context) {
      // A note written while working on a project belongs to it, so it does not leak to agents
      // that may not see that project.
      const requested = input.project ?? context.defaultProjectId;
      const projectId = requested === undefined ? undefined : allowedProject(context, requested).id;
      const note: Note = {
        id: ids.next('note'),
        text: input.text,
        tags: [...new Set(input.tags.map((tag) => tag.toLowerCase()))],
        ...(projectId === undefined ? {} : { projectId }),
        author: context.agent,
        runId: context.runId,
        createdAt: new Date(clock.now()).toISOString(),
        ...(context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }),
        // Written from untrusted content (and approved): it stays untrusted for whoever reads it.
        ...((context.taint?.() ?? []).length > 0 ? { untrustedSources: context.taint?.() ?? [] } : {}),
      };
      const saved = await store.add(note);
      return `Saved note ${saved.id}${saved.projectId === undefined ? '' : ` in project ${saved.projectId}`}.`;
    },
  });

  const notesSearch = defineTool({
    name: 'notes_search',
    description:
      "Search Nova's notebook by words. Returns the best matching notes with their ids, dates, projects and tags.",
    inputSchema: z
      .object({
        query: z.string().trim().min(1, 'say what to search for').describe('words to look for'),
        limit: z.number().int().min(1).max(50).default(10).describe('most notes to return'),
        project: z.string().min(1).optional().describe('only notes of this project'),
      })
      .strict(),
    effects: ['read'],
    async execute(input, context) {
      let found: Note[];
      if (input.project !== undefined) {
        const projectId = allowedProject(context, input.project).id;
        found = await store.search(input.query, { limit: input.limit, projectId });
      } else {
        // Over-fetch so that hiding other projects' notes still leaves `limit` results most of the time.
        const candidates = await store.search(input.query, { limit: Math.min(input.limit * 5, 250) });
        found = candidates.filter((note) => visibleTo(context, note)).slice(0, input.limit);
      }
      for (const note of found) {
        if (note.untrustedSources && note.untrustedSources.length > 0) {
          context.markUntrusted?.(`note ${note.id} (written from ${note.untrustedSources.join('; ')})`);
        }
      }
      const scope = input.project === undefined ? '' : ` in project ${input.project}`;
      if (found.length === 0) return `No notes match "${input.query}"${scope}.`;
      return [
        `${found.length === 1 ? '1 note matches' : `${found.length} notes match`} "${input.query}"${scope}:`,
      ]
        .concat(found.map(formatNote))
        .join('\n');
    },
  });

  return [notesAdd, notesSearch];
}
