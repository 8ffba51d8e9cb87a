/** Room for the reminders issue: durable schedules that fire once each. */
export interface ScheduleEntry {
  readonly id: string;
  readonly text: string;
  readonly dueAt: string;
  /** Cron expression for recurring entries. */
  readonly cron?: string;
  readonly firedAt?: string;
}

export interface ScheduleStore {
  add(entry: ScheduleEntry): Promise<void>;
  /** Entries due at or before `now` that have not fired, oldest first. */
  listDue(now: string): Promise<ScheduleEntry[]>;
  /** Marks an entry fired; returns false if another process fired it first. */
  markFired(id: string, at: string): Promise<boolean>;
}
