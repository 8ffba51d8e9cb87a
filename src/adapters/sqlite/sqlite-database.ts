import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { NovaError } from '../../domain/nova-error.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

/** How long a connection waits for another process's write lock before giving up. */
const busyTimeoutMs = 5000;

/**
 * One SQLite database shared by the SQLite adapters: WAL so readers (the CLI) never block the
 * writer (the server), a busy timeout for the rare writer-writer overlap, cached statements.
 */
export class SqliteDatabase {
  readonly location: string;
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(location: string, database: DatabaseSync) {
    this.location = location;
    this.#database = database;
  }

  /** A prepared statement, compiled once per SQL text and reused for the life of the connection. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#database.prepare(sql);
      if (this.#writesBeforeCrash !== undefined && !/^\s*SELECT/i.test(sql)) this.#countWrites(statement);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #writesBeforeCrash: number | undefined;

  /**
   * Fault injection for the crash tests: the process kills itself (SIGKILL, no clean-up) right
   * after its `count`-th write statement. Set through NOVA_FAULT_CRASH_AFTER_WRITES; never in use.
   */
  armCrashAfterWrites(count: number): void {
    this.#writesBeforeCrash = count;
    this.#statements.clear();
  }

  #countWrites(statement: StatementSync): void {
    const run = statement.run.bind(statement) as (
      ...parameters: unknown[]
    ) => ReturnType<StatementSync['run']>;
    statement.run = (...parameters: unknown[]) => {
      const result = run(...parameters);
      if (this.#writesBeforeCrash !== undefined && --this.#writesBeforeCrash <= 0)
        process.kill(process.pid, 'SIGKILL');
      return result;
    };
  }

  exec(sql: string): void {
    this.#database.exec(sql);
  }

  /**
   * Runs `work` in a write transaction; rolls back if it throws. IMMEDIATE takes the write lock
   * up front, so a second process waits on the busy timeout instead of failing mid-transaction.
   */
  transaction<Result>(work: () => Result): Result {
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#database.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite has already rolled back after some errors (disk full, I/O); a second ROLLBACK would hide the cause.
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

/** Runs a driver call, turning its errors into STORAGE_ERROR that names the operation. */
export function storageCall<Result>(operation: string, work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    if (NovaError.is(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new NovaError('STORAGE_ERROR', `${operation} failed: ${reason}`, {
      cause: error,
      details: { operation },
    });
  }
}

/**
 * Which constraint a driver error reports, from SQLite's extended result code, so adapters can
 * map a clash to CONFLICT or a missing parent to NOT_FOUND without parsing messages.
 */
export function constraintViolation(error: unknown): 'unique' | 'foreign-key' | undefined {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  switch (code) {
    case 1555: // SQLITE_CONSTRAINT_PRIMARYKEY
    case 2067: // SQLITE_CONSTRAINT_UNIQUE
      return 'unique';
    case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
      return 'foreign-key';
    default:
      return undefined;
  }
}

/**
 * Opens (creating the file and its folder if needed) the database at `location` (`:memory:` for
 * tests) and applies pending migrations. A database written by a newer Nova is refused rather
 * than misread.
 */
export function openSqliteDatabase(
  location: string,
  migrations: readonly Migration[] = defaultMigrations,
): SqliteDatabase {
  checkMigrationList(migrations);
  return storageCall(`opening the database ${location}`, () => {
    if (location !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    const database = new DatabaseSync(location);
    const wrapped = new SqliteDatabase(location, database);
    try {
      // The busy timeout first: switching to WAL needs a lock another process may be holding.
      database.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      database.exec('PRAGMA journal_mode = WAL');
      // In WAL mode NORMAL survives a crash of the process (every commit is in the WAL file);
      // only a power loss can drop the last commits. Nova's journal accepts that for speed.
      database.exec('PRAGMA synchronous = NORMAL');
      database.exec('PRAGMA foreign_keys = ON');
      migrate(wrapped, migrations);
    } catch (error) {
      wrapped.close();
      throw error;
    }
    return wrapped;
  });
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = index === 0 ? 0 : (migrations[index - 1]?.id ?? 0);
    if (!Number.isInteger(migration.id) || migration.id <= previous) {
      throw new NovaError(
        'INTERNAL',
        `migration "${migration.name}" has id ${migration.id}; ids must be integers increasing from 1 in list order (previous: ${previous})`,
      );
    }
  });
}

function migrate(database: SqliteDatabase, migrations: readonly Migration[]): void {
  database.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const appliedIds = (): Set<number> =>
    new Set(
      (database.statement('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map(
        (row) => row.id,
      ),
    );
  const applied = appliedIds();
  const known = new Set(migrations.map((migration) => migration.id));
  const unknown = [...applied].filter((id) => !known.has(id)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new NovaError(
      'STORAGE_ERROR',
      `the database ${database.location} has schema migration(s) ${unknown.join(', ')} that this version of Nova does not know (it knows up to ${migrations.at(-1)?.id ?? 0}); it was written by a newer Nova. Upgrade Nova or point it at another data folder.`,
      { details: { location: database.location, unknownMigrations: unknown } },
    );
  }
  const pending = migrations.filter((migration) => !applied.has(migration.id));
  for (const migration of pending) {
    database.transaction(() => {
      // Re-checked under the write lock: another process may have applied it while we waited.
      if (appliedIds().has(migration.id)) return;
      storageCall(`applying migration ${migration.id} (${migration.name}) to ${database.location}`, () =>
        database.exec(migration.sql),
      );
      database
        .statement('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.id, migration.name, new Date().toISOString());
    });
  }
}
