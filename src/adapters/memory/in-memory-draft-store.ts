import { NovaError } from '../../domain/nova-error.ts';
import type { DraftStore, EmailDraft } from '../../ports/draft-store.ts';

export class InMemoryDraftStore implements DraftStore {
  readonly #drafts = new Map<string, EmailDraft>();

  create(draft: EmailDraft): Promise<void> {
    if (this.#drafts.has(draft.id))
      return Promise.reject(new NovaError('CONFLICT', `draft ${draft.id} exists`));
    this.#drafts.set(draft.id, draft);
    return Promise.resolve();
  }

  get(id: string): Promise<EmailDraft | undefined> {
    return Promise.resolve(this.#drafts.get(id));
  }

  list(limit = 50): Promise<EmailDraft[]> {
    return Promise.resolve(
      [...this.#drafts.values()]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
        .slice(0, limit),
    );
  }
}
