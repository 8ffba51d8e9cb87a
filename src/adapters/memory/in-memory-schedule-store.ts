import type { InboxItem, ScheduleEntry, ScheduleStore } from '../../ports/schedule-store.ts';

/** Reminders in memory, for tests and single-process use; same contract as the SQLite store. */
export class InMemoryScheduleStore implements ScheduleStore {
  readonly #entries = new Map<string, ScheduleEntry>();
  readonly #inbox = new Map<string, InboxItem>();

  add(entry: ScheduleEntry): Promise<void> {
    this.#entries.set(entry.id, { ...entry });
    return Promise.resolve();
  }

  get(id: string): Promise<ScheduleEntry | undefined> {
    const entry = this.#entries.get(id);
    return Promise.resolve(entry ? { ...entry } : undefined);
  }

  list(options: { all?: boolean } = {}): Promise<ScheduleEntry[]> {
    const entries = [...this.#entries.values()].filter(
      (entry) => options.all || (!entry.firedAt && !entry.cancelledAt),
    );
    return Promise.resolve(
      entries.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id)),
    );
  }

  async listDue(now: string): Promise<ScheduleEntry[]> {
    return (await this.list()).filter((entry) => entry.dueAt <= now);
  }

  async nextDueAt(): Promise<string | undefined> {
    return (await this.list())[0]?.dueAt;
  }

  fire(entry: ScheduleEntry, item: InboxItem, nextDueAt?: string): Promise<InboxItem | undefined> {
    const current = this.#entries.get(entry.id);
    if (!current || current.firedAt || current.cancelledAt || current.dueAt !== entry.dueAt)
      return Promise.resolve(undefined);
    if (
      [...this.#inbox.values()].some(
        (existing) => existing.scheduleId === item.scheduleId && existing.dueAt === item.dueAt,
      )
    ) {
      return Promise.resolve(undefined);
    }
    this.#entries.set(
      entry.id,
      nextDueAt === undefined ? { ...current, firedAt: item.firedAt } : { ...current, dueAt: nextDueAt },
    );
    this.#inbox.set(item.id, { ...item });
    return Promise.resolve({ ...item });
  }

  cancel(id: string, at: string): Promise<boolean> {
    const current = this.#entries.get(id);
    if (!current || current.firedAt || current.cancelledAt) return Promise.resolve(false);
    this.#entries.set(id, { ...current, cancelledAt: at });
    return Promise.resolve(true);
  }

  listInbox(options: { all?: boolean } = {}): Promise<InboxItem[]> {
    const items = [...this.#inbox.values()].filter((item) => options.all || !item.acknowledgedAt);
    return Promise.resolve(
      items.sort((a, b) => a.firedAt.localeCompare(b.firedAt) || a.id.localeCompare(b.id)),
    );
  }

  acknowledge(id: string, at: string): Promise<boolean> {
    const item = this.#inbox.get(id);
    if (!item || item.acknowledgedAt) return Promise.resolve(false);
    this.#inbox.set(id, { ...item, acknowledgedAt: at });
    return Promise.resolve(true);
  }
}
