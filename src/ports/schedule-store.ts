/** A reminder (or a recurring schedule) that fires at `dueAt`. */
export interface ScheduleEntry {
  readonly id: string;
  readonly text: string;
  /** When it fires next (ISO). */
  readonly dueAt: string;
  /** Cron expression for recurring entries; after firing, `dueAt` moves to the next occurrence. */
  readonly cron?: string;
  readonly timeZone: string;
  readonly createdAt: string;
  /** Who asked: `owner`, or an agent's name. */
  readonly createdBy: string;
  /** One-shot entries: when it fired. */
  readonly firedAt?: string;
  readonly cancelledAt?: string;
}

/** A fired reminder waiting to be seen. */
export interface InboxItem {
  readonly id: string;
  readonly scheduleId: string;
  readonly text: string;
  /** When it was due. */
  readonly dueAt: string;
  readonly firedAt: string;
  /** Fired well after it was due (Nova was not running then). */
  readonly late: boolean;
  readonly acknowledgedAt?: string;
}

/**
 * Contract (`schedule-store.contract.ts`): `fire` is atomic per entry and occurrence — of two
 * processes firing the same due entry, exactly one gets the inbox item; a recurring entry moves to
 * `nextDueAt` in the same transaction, so a run of missed occurrences fires once.
 */
export interface ScheduleStore {
  add(entry: ScheduleEntry): Promise<void>;
  get(id: string): Promise<ScheduleEntry | undefined>;
  /** Pending entries (not fired, not cancelled), soonest first; with `all`, every entry. */
  list(options?: { readonly all?: boolean }): Promise<ScheduleEntry[]>;
  /** Entries due at or before `now`, not fired and not cancelled, oldest first. */
  listDue(now: string): Promise<ScheduleEntry[]>;
  /** The soonest pending due time, for the scheduler's timer. */
  nextDueAt(): Promise<string | undefined>;
  /**
   * Fires one occurrence: records the inbox item and marks a one-shot entry fired, or moves a
   * recurring one to `nextDueAt`. Returns undefined when another process fired it first.
   */
  fire(entry: ScheduleEntry, item: InboxItem, nextDueAt?: string): Promise<InboxItem | undefined>;
  cancel(id: string, at: string): Promise<boolean>;
  listInbox(options?: { readonly all?: boolean }): Promise<InboxItem[]>;
  acknowledge(id: string, at: string): Promise<boolean>;
}
