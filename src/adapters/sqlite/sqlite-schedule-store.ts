import type { InboxItem, ScheduleEntry, ScheduleStore } from '../../ports/schedule-store.ts';
import { constraintViolation, storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface EntryRow {
  id: string;
  text: string;
  due_at: string;
  cron: string | null;
  time_zone: string;
  created_at: string;
  created_by: string;
  fired_at: string | null;
  cancelled_at: string | null;
}

interface InboxRow {
  id: string;
  schedule_id: string;
  text: string;
  due_at: string;
  fired_at: string;
  late: number;
  acknowledged_at: string | null;
}

function entryFrom(row: EntryRow): ScheduleEntry {
  return {
    id: row.id,
    text: row.text,
    dueAt: row.due_at,
    ...(row.cron === null ? {} : { cron: row.cron }),
    timeZone: row.time_zone,
    createdAt: row.created_at,
    createdBy: row.created_by,
    ...(row.fired_at === null ? {} : { firedAt: row.fired_at }),
    ...(row.cancelled_at === null ? {} : { cancelledAt: row.cancelled_at }),
  };
}

function itemFrom(row: InboxRow): InboxItem {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    text: row.text,
    dueAt: row.due_at,
    firedAt: row.fired_at,
    late: row.late === 1,
    ...(row.acknowledged_at === null ? {} : { acknowledgedAt: row.acknowledged_at }),
  };
}

/** Reminders and the inbox in SQLite; firing is one transaction guarded by the entry's state. */
export class SqliteScheduleStore implements ScheduleStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async add(entry: ScheduleEntry): Promise<void> {
    storageCall('saving a reminder', () =>
      this.#database
        .statement(
          'INSERT INTO schedules (id, text, due_at, cron, time_zone, created_at, created_by, fired_at, cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          entry.id,
          entry.text,
          entry.dueAt,
          entry.cron ?? null,
          entry.timeZone,
          entry.createdAt,
          entry.createdBy,
          entry.firedAt ?? null,
          entry.cancelledAt ?? null,
        ),
    );
  }

  async get(id: string): Promise<ScheduleEntry | undefined> {
    const row = storageCall('reading a reminder', () =>
      this.#database.statement('SELECT * FROM schedules WHERE id = ?').get(id),
    ) as EntryRow | undefined;
    return row ? entryFrom(row) : undefined;
  }

  async list(options: { all?: boolean } = {}): Promise<ScheduleEntry[]> {
    const rows = storageCall('listing reminders', () =>
      options.all
        ? this.#database.statement('SELECT * FROM schedules ORDER BY due_at, id').all()
        : this.#database
            .statement(
              'SELECT * FROM schedules WHERE fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at, id',
            )
            .all(),
    ) as unknown as EntryRow[];
    return rows.map(entryFrom);
  }

  async listDue(now: string): Promise<ScheduleEntry[]> {
    const rows = storageCall('finding due reminders', () =>
      this.#database
        .statement(
          'SELECT * FROM schedules WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= ? ORDER BY due_at, id',
        )
        .all(now),
    ) as unknown as EntryRow[];
    return rows.map(entryFrom);
  }

  async nextDueAt(): Promise<string | undefined> {
    const row = storageCall('finding the next reminder', () =>
      this.#database
        .statement('SELECT MIN(due_at) AS due FROM schedules WHERE fired_at IS NULL AND cancelled_at IS NULL')
        .get(),
    ) as { due: string | null } | undefined;
    return row?.due ?? undefined;
  }

  async fire(entry: ScheduleEntry, item: InboxItem, nextDueAt?: string): Promise<InboxItem | undefined> {
    return storageCall('firing a reminder', () =>
      this.#database.transaction(() => {
        // The guard: the entry must still be at this occurrence, unfired and not cancelled.
        const claimed =
          nextDueAt === undefined
            ? this.#database
                .statement(
                  'UPDATE schedules SET fired_at = ? WHERE id = ? AND due_at = ? AND fired_at IS NULL AND cancelled_at IS NULL',
                )
                .run(item.firedAt, entry.id, entry.dueAt).changes
            : this.#database
                .statement(
                  'UPDATE schedules SET due_at = ? WHERE id = ? AND due_at = ? AND fired_at IS NULL AND cancelled_at IS NULL',
                )
                .run(nextDueAt, entry.id, entry.dueAt).changes;
        if (Number(claimed) === 0) return undefined;
        try {
          this.#database
            .statement(
              'INSERT INTO inbox (id, schedule_id, text, due_at, fired_at, late, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
            )
            .run(item.id, item.scheduleId, item.text, item.dueAt, item.firedAt, item.late ? 1 : 0);
        } catch (error) {
          if (constraintViolation(error) === 'unique') return undefined;
          throw error;
        }
        return item;
      }),
    );
  }

  async cancel(id: string, at: string): Promise<boolean> {
    const changes = storageCall(
      'cancelling a reminder',
      () =>
        this.#database
          .statement(
            'UPDATE schedules SET cancelled_at = ? WHERE id = ? AND fired_at IS NULL AND cancelled_at IS NULL',
          )
          .run(at, id).changes,
    );
    return Number(changes) > 0;
  }

  async listInbox(options: { all?: boolean } = {}): Promise<InboxItem[]> {
    const rows = storageCall('reading the inbox', () =>
      options.all
        ? this.#database.statement('SELECT * FROM inbox ORDER BY fired_at DESC, id DESC LIMIT 500').all()
        : this.#database
            .statement('SELECT * FROM inbox WHERE acknowledged_at IS NULL ORDER BY fired_at, id')
            .all(),
    ) as unknown as InboxRow[];
    return rows.map(itemFrom);
  }

  async acknowledge(id: string, at: string): Promise<boolean> {
    const changes = storageCall(
      'acknowledging a reminder',
      () =>
        this.#database
          .statement('UPDATE inbox SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL')
          .run(at, id).changes,
    );
    return Number(changes) > 0;
  }
}
