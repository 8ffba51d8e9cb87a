import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import type { Note, NoteStore } from './note-store.ts';

export interface NoteStoreFixture {
  readonly store: NoteStore;
  cleanup(): Promise<void>;
}

function note(id: string, text: string, overrides: Partial<Note> = {}): Note {
  return {
    id,
    text,
    tags: [],
    author: 'owner',
    createdAt: `2026-11-22T10:00:0${id.slice(-1)}.000Z`,
    ...overrides,
  };
}

/** The behaviour every NoteStore adapter must have. */
export function noteStoreContract(name: string, create: () => Promise<NoteStoreFixture>): void {
  describe(`NoteStore contract: ${name}`, () => {
    let fixture: NoteStoreFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(() => fixture.cleanup());

    it('finds notes by words in their text or tags, best match first', async () => {
      const { store } = fixture;
      await store.add(note('n1', 'Welcome to Nova: your notes live here', { tags: ['welcome'] }));
      await store.add(note('n2', 'Acme invoice run moved to Friday', { projectId: 'acme', tags: ['erp'] }));
      await store.add(
        note('n3', 'Call the accountant about the invoice', { runId: 'run_1', author: 'assistant' }),
      );
      expect((await store.search('welcome', { limit: 5 })).map((found) => found.id)).toEqual(['n1']);
      expect((await store.search('invoice', { limit: 5 })).map((found) => found.id).sort()).toEqual([
        'n2',
        'n3',
      ]);
      expect(
        (await store.search('invoice', { limit: 5, projectId: 'acme' })).map((found) => found.id),
      ).toEqual(['n2']);
      expect((await store.search('erp', { limit: 5 })).map((found) => found.id)).toEqual(['n2']);
      expect(await store.search('invoice', { limit: 1 })).toHaveLength(1);
      expect(await store.search('kangaroo', { limit: 5 })).toEqual([]);
      expect((await store.search('accountant', { limit: 5 }))[0]).toEqual(
        note('n3', 'Call the accountant about the invoice', { runId: 'run_1', author: 'assistant' }),
      );
    });

    it('treats punctuation and query syntax in the search text as plain text', async () => {
      const { store } = fixture;
      await store.add(note('n1', 'The "quarterly" close: done - mostly*'));
      for (const query of ['"quarterly', 'close:', '-mostly', 'mostly*', 'NEAR(', '***', '   ', '"']) {
        await expect(store.search(query, { limit: 5 })).resolves.toBeInstanceOf(Array);
      }
      expect((await store.search('"quarterly', { limit: 5 })).map((found) => found.id)).toEqual(['n1']);
      expect(await store.search('***', { limit: 5 })).toEqual([]);
    });

    it('returns a note exactly as saved, without inventing absent fields', async () => {
      const { store } = fixture;
      const plain = note('n1', 'Plain note');
      const full = note('n2', 'Full note', {
        tags: ['acme', 'q3'],
        projectId: 'acme',
        runId: 'run_9',
        author: 'second-brain',
      });
      await store.add(plain);
      await store.add(full);
      expect(await store.list({ limit: 10 })).toStrictEqual([full, plain]);
    });

    it('refuses a second note with the same id', async () => {
      const { store } = fixture;
      await store.add(note('n1', 'first'));
      await expect(store.add(note('n1', 'again'))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'CONFLICT'),
      );
      expect((await store.search('again', { limit: 5 })).map((found) => found.id)).toEqual([]);
    });

    it('stores a note once per idempotency key and returns the first on a repeat', async () => {
      const { store } = fixture;
      const first = await store.add({ ...note('n1', 'paid invoice 17'), idempotencyKey: 'run_1:3' });
      const repeat = await store.add({ ...note('n2', 'paid invoice 17'), idempotencyKey: 'run_1:3' });
      expect(repeat.id).toBe(first.id);
      expect((await store.list({ limit: 10 })).map((found) => found.id)).toEqual(['n1']);
    });

    it('lists notes newest first', async () => {
      const { store } = fixture;
      await store.add(note('n1', 'first'));
      await store.add(note('n2', 'second', { projectId: 'acme' }));
      expect((await store.list({ limit: 10 })).map((found) => found.id)).toEqual(['n2', 'n1']);
      expect((await store.list({ limit: 10, projectId: 'acme' })).map((found) => found.id)).toEqual(['n2']);
    });
  });
}
