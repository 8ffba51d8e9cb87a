import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import type { DraftStore, EmailDraft } from './draft-store.ts';

function draft(id: string, createdAt: string, overrides: Partial<EmailDraft> = {}): EmailDraft {
  return {
    id,
    to: ['anna@acme.example'],
    cc: [],
    subject: `Subject ${id}`,
    body: 'Hello Anna,\n\nthe invoice is attached.\n\nBest',
    createdAt,
    createdBy: 'email-drafter',
    ...overrides,
  };
}

/** The behaviour every DraftStore adapter must have. */
export function draftStoreContract(name: string, create: () => DraftStore | Promise<DraftStore>) {
  describe(`DraftStore contract: ${name}`, () => {
    it('keeps every field, lists newest first with a limit, and refuses a second draft with an id', async () => {
      const store = await create();
      const full = draft('d1', '2026-11-20T09:00:00.000Z', {
        cc: ['boss@acme.example', 'x@acme.example'],
        projectId: 'acme',
        runId: 'run_1',
        untrustedSources: ['https://example.org/page'],
      });
      await store.create(full);
      await store.create(draft('d2', '2026-11-21T09:00:00.000Z'));
      await store.create(draft('d3', '2026-11-19T09:00:00.000Z'));
      expect(await store.get('d1')).toEqual(full);
      expect(await store.get('nope')).toBeUndefined();
      expect((await store.list()).map((entry) => entry.id)).toEqual(['d2', 'd1', 'd3']);
      expect((await store.list(1)).map((entry) => entry.id)).toEqual(['d2']);
      await expect(store.create(draft('d1', '2026-11-22T09:00:00.000Z'))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'CONFLICT'),
      );
    });
  });
}
