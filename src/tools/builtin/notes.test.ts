import { beforeEach, describe, expect, it } from 'vitest';
import type { Note, NoteStore } from '../../ports/note-store.ts';
import type { ProjectRef, Tool, ToolContext } from '../tool.ts';
import { createNoteTools } from './notes.ts';

/** Enough of a NoteStore for the tools: a note matches when it contains any query word. */
class InMemoryNoteStore implements NoteStore {
  readonly notes: Note[] = [];

  async add(note: Note): Promise<Note> {
    const existing = this.notes.find(
      (stored) => note.idempotencyKey !== undefined && stored.idempotencyKey === note.idempotencyKey,
    );
    if (existing) return existing;
    this.notes.push(note);
    return note;
  }

  async search(query: string, options: { limit: number; projectId?: string }): Promise<Note[]> {
    const words = query.toLowerCase().match(/\w+/g) ?? [];
    return (await this.list(options)).filter((note) =>
      words.some((word) => note.text.toLowerCase().includes(word)),
    );
  }

  async list(options: { limit: number; projectId?: string }): Promise<Note[]> {
    return this.notes
      .filter((note) => options.projectId === undefined || note.projectId === options.projectId)
      .slice(0, options.limit);
  }
}

const acme: ProjectRef = { id: 'acme', name: 'Acme', root: '/projects/acme', docs: [], tags: [] };
const globex: ProjectRef = { id: 'globex', name: 'Globex', root: '/projects/globex', docs: [], tags: [] };

let store: InMemoryNoteStore;
let notesAdd: Tool;
let notesSearch: Tool;
let now: number;

beforeEach(() => {
  store = new InMemoryNoteStore();
  let counter = 0;
  now = Date.parse('2026-11-22T09:30:00Z');
  const tools = new Map(
    createNoteTools({
      store,
      ids: { next: (prefix) => `${prefix}_${++counter}` },
      clock: { now: () => now, sleep: () => Promise.resolve() },
    }).map((tool) => [tool.name, tool]),
  );
  notesAdd = tools.get('notes_add')!;
  notesSearch = tools.get('notes_search')!;
});

function context(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    runId: 'run_7',
    agent: 'second-brain',
    projects: [acme],
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function call(tool: Tool, input: unknown, overrides: Partial<ToolContext> = {}): Promise<string> {
  return tool.execute(tool.inputSchema.parse(input), context(overrides));
}

describe('notes_add', () => {
  it('saves the note with its author, run, time and tags, and returns its id', async () => {
    expect(
      await call(notesAdd, { text: '  Invoice run moves to Thursday  ', tags: ['Billing', 'billing'] }),
    ).toBe('Saved note note_1.');
    expect(store.notes).toEqual([
      {
        id: 'note_1',
        text: 'Invoice run moves to Thursday',
        tags: ['billing'],
        author: 'second-brain',
        runId: 'run_7',
        createdAt: '2026-11-22T09:30:00.000Z',
      },
    ]);
  });

  it("ties the note to the named project, else to the task's project", async () => {
    const both = { projects: [acme, globex] };
    expect(await call(notesAdd, { text: 'Globex wants a demo', project: 'globex' }, both)).toBe(
      'Saved note note_1 in project globex.',
    );
    expect(
      await call(notesAdd, { text: 'Acme VAT number changed' }, { ...both, defaultProjectId: 'acme' }),
    ).toBe('Saved note note_2 in project acme.');
    expect(store.notes.map((note) => note.projectId)).toEqual(['globex', 'acme']);
  });

  it('refuses a project the agent may not access and stores nothing', async () => {
    await expect(call(notesAdd, { text: 'sneaky', project: 'globex' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'agent "second-brain" may not access project "globex"; allowed: acme',
    });
    expect(store.notes).toEqual([]);
  });

  it('rejects empty text and tags that are not single words', () => {
    expect(notesAdd.inputSchema.safeParse({ text: '   ' }).success).toBe(false);
    expect(notesAdd.inputSchema.safeParse({ text: 'ok', tags: ['two words'] }).success).toBe(false);
  });
});

describe('notes_search', () => {
  it('lists matching notes with ids, dates, projects and tags', async () => {
    await call(notesAdd, { text: 'Invoice run moves to Thursday', tags: ['billing'] });
    now = Date.parse('2026-11-23T10:00:00Z');
    await call(notesAdd, { text: 'Acme invoice template lives in docs/', project: 'acme' });
    await call(notesAdd, { text: 'Buy coffee' });
    expect(await call(notesSearch, { query: 'invoice' })).toBe(
      [
        '2 notes match "invoice":',
        '- note_1 (2026-11-22, #billing): Invoice run moves to Thursday',
        '- note_2 (2026-11-23, project acme): Acme invoice template lives in docs/',
      ].join('\n'),
    );
    expect(await call(notesSearch, { query: 'invoice', project: 'acme' })).toBe(
      [
        '1 note matches "invoice" in project acme:',
        '- note_2 (2026-11-23, project acme): Acme invoice template lives in docs/',
      ].join('\n'),
    );
  });

  it('says when nothing matches', async () => {
    expect(await call(notesSearch, { query: 'zebra' })).toBe('No notes match "zebra".');
  });

  it('never shows notes of projects the agent may not access', async () => {
    await call(notesAdd, { text: 'Globex merger is secret', project: 'globex' }, { projects: [globex] });
    await call(notesAdd, { text: 'Public merger news' });
    expect(await call(notesSearch, { query: 'merger' })).toBe(
      '1 note matches "merger":\n- note_2 (2026-11-22): Public merger news',
    );
    await expect(call(notesSearch, { query: 'merger', project: 'globex' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('returns at most limit notes', async () => {
    for (const text of ['alpha one', 'alpha two', 'alpha three']) await call(notesAdd, { text });
    const found = await call(notesSearch, { query: 'alpha', limit: 2 });
    expect(found.split('\n')).toHaveLength(3);
  });
});
