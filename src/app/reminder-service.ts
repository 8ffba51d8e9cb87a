import { NovaError } from '../domain/nova-error.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { InboxItem, ScheduleEntry, ScheduleStore } from '../ports/schedule-store.ts';
import { nextCronTime, parseWhen } from '../reminders/parse-when.ts';

export interface ReminderServiceDependencies {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** IANA time zone for wall-clock times ("tomorrow 9am"). */
  readonly timeZone: string;
  /** Called once per fired occurrence (webhook, live events, a scheduled task or pipeline). */
  readonly onFired?: (item: InboxItem, entry: ScheduleEntry) => Promise<void> | void;
  /** Fired this long after it was due counts as late (default 60 s). */
  readonly lateAfterMs?: number;
}

/**
 * Reminders and recurring schedules: added by the owner or an agent, fired once each (also across
 * processes, by the store's guard), late ones after Nova was down fired once on start and marked.
 */
export class ReminderService {
  readonly #dependencies: ReminderServiceDependencies;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;

  constructor(dependencies: ReminderServiceDependencies) {
    this.#dependencies = dependencies;
  }

  get timeZone(): string {
    return this.#dependencies.timeZone;
  }

  async add(request: {
    text: string;
    at?: string;
    cron?: string;
    createdBy: string;
    id?: string;
  }): Promise<ScheduleEntry> {
    const { clock, ids, store, timeZone } = this.#dependencies;
    const text = request.text.trim();
    if (text.length === 0)
      throw new NovaError(
        'BAD_REQUEST',
        'say what to be reminded of, e.g. nova remind "call the accountant" --at "tomorrow 9am"',
      );
    if ((request.at === undefined) === (request.cron === undefined)) {
      throw new NovaError(
        'BAD_REQUEST',
        'give either a time (--at "tomorrow 9am") or a cron expression (--cron "0 9 * * 1-5"), not both or neither',
      );
    }
    const now = clock.now();
    const due =
      request.cron !== undefined
        ? nextCronTime(request.cron, { after: now, timeZone })
        : parseWhen(request.at!, { now, timeZone });
    const entry: ScheduleEntry = {
      id: request.id ?? ids.next('rem'),
      text,
      dueAt: new Date(due).toISOString(),
      ...(request.cron === undefined ? {} : { cron: request.cron }),
      timeZone,
      createdAt: new Date(now).toISOString(),
      createdBy: request.createdBy,
    };
    await store.add(entry);
    this.#reschedule();
    return entry;
  }

  get(id: string): Promise<ScheduleEntry | undefined> {
    return this.#dependencies.store.get(id);
  }

  list(options: { all?: boolean } = {}): Promise<ScheduleEntry[]> {
    return this.#dependencies.store.list(options);
  }

  async cancel(id: string): Promise<void> {
    const { store, clock } = this.#dependencies;
    const entry = await store.get(id);
    if (!entry) throw new NovaError('NOT_FOUND', `no reminder "${id}"; see nova remind list`);
    if (!(await store.cancel(id, new Date(clock.now()).toISOString()))) {
      throw new NovaError('CONFLICT', `reminder ${id} already ${entry.cancelledAt ? 'cancelled' : 'fired'}`);
    }
  }

  inbox(options: { all?: boolean } = {}): Promise<InboxItem[]> {
    return this.#dependencies.store.listInbox(options);
  }

  async acknowledge(id: string): Promise<void> {
    const { store, clock } = this.#dependencies;
    if (!(await store.acknowledge(id, new Date(clock.now()).toISOString()))) {
      throw new NovaError('NOT_FOUND', `no unread inbox item "${id}"; see nova inbox`);
    }
  }

  /** Fires what is due now, each once; a recurring entry missed several times fires once, late. */
  async runDue(): Promise<InboxItem[]> {
    const { store, clock, ids, onFired } = this.#dependencies;
    const now = clock.now();
    const fired: InboxItem[] = [];
    for (const entry of await store.listDue(new Date(now).toISOString())) {
      const due = Date.parse(entry.dueAt);
      const item: InboxItem = {
        id: ids.next('inbox'),
        scheduleId: entry.id,
        text: entry.text,
        dueAt: entry.dueAt,
        firedAt: new Date(now).toISOString(),
        late: now - due > (this.#dependencies.lateAfterMs ?? 60_000),
      };
      const next =
        entry.cron === undefined
          ? undefined
          : new Date(nextCronTime(entry.cron, { after: now, timeZone: entry.timeZone })).toISOString();
      const recorded = await store.fire(entry, item, next);
      if (!recorded) continue;
      fired.push(recorded);
      try {
        await onFired?.(recorded, entry);
      } catch {
        // Notifying (a webhook, a scheduled task) must not stop other reminders; the inbox has it.
      }
    }
    return fired;
  }

  /** Checks now, then whenever the next entry is due (at least every 30 s) until `stop`. */
  start(): void {
    this.#stopped = false;
    this.#reschedule(0);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #reschedule(delayMs?: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    const arm = (ms: number): void => {
      this.#timer = setTimeout(() => {
        void this.runDue()
          .catch(() => undefined)
          .finally(() => this.#reschedule());
      }, ms);
      this.#timer.unref();
    };
    if (delayMs !== undefined) return arm(delayMs);
    void this.#dependencies.store
      .nextDueAt()
      .then((next) => {
        if (this.#stopped) return;
        const wait =
          next === undefined
            ? 30_000
            : Math.max(0, Math.min(30_000, Date.parse(next) - this.#dependencies.clock.now()));
        arm(wait);
      })
      .catch(() => arm(30_000));
  }
}
