import type { ClarificationStore, PendingClarification } from '../../ports/clarification-store.ts';

/** Clarifications in memory, for tests and single-process use. */
export class InMemoryClarificationStore implements ClarificationStore {
  readonly #items = new Map<string, PendingClarification>();

  create(clarification: PendingClarification): Promise<void> {
    this.#items.set(clarification.id, structuredClone(clarification));
    return Promise.resolve();
  }

  get(id: string): Promise<PendingClarification | undefined> {
    const found = this.#items.get(id);
    return Promise.resolve(found ? structuredClone(found) : undefined);
  }

  answer(id: string, answer: NonNullable<PendingClarification['answer']>): Promise<boolean> {
    const found = this.#items.get(id);
    if (!found || found.answer) return Promise.resolve(false);
    this.#items.set(id, { ...found, answer });
    return Promise.resolve(true);
  }

  attachRun(id: string, runId: string): Promise<void> {
    const found = this.#items.get(id);
    if (found?.answer) this.#items.set(id, { ...found, answer: { ...found.answer, runId } });
    return Promise.resolve();
  }
}
