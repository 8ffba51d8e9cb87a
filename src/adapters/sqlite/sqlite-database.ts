import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { NovaError } from '../../domain/nova-error.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

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

  /** A prepared statement, compiled once per SQL text. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.#database.exec(sql);
  }

  /** Runs `work` in a transaction; rolls back if it throws. */
  transaction<Result>(work: () => Result): Result {
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#database.exec('COMMIT');
      return result;
    } catch (error) {
      this.#database.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.#database.isOpen) this.#database.close();
  }
}

/** Runs a driver call, turning its errors into STORAGE_ERROR that names the operation. */
export function storageCall<Result>(operation: string, work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    if (NovaError.is(error)) throw error;
    throw new NovaError('STORAGE_ERROR', `${operation} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Opens (creating if needed) the database at `location` (`:memory:` for tests) and applies
 * pending migrations. A database written by a newer Nova is refused rather than misread.
 */
export function openSqliteDatabase(
  location: string,
  migrations: readonly Migration[] = defaultMigrations,
): SqliteDatabase {
  return storageCall(`opening the database ${location}`, () => {
    if (location !== ':memory:') fs.mkdirSync(path.dirname(location), { recursive: true });
    const database = new DatabaseSync(location);
    const wrapped = new SqliteDatabase(location, database);
    try {
      database.exec('PRAGMA journal_mode = WAL');
      database.exec('PRAGMA synchronous = NORMAL');
      database.exec('PRAGMA busy_timeout = 5000');
      database.exec('PRAGMA foreign_keys = ON');
      migrate(wrapped, migrations);
    } catch (error) {
      wrapped.close();
      throw error;
    }
    return wrapped;
  });
}

function migrate(database: SqliteDatabase, migrations: readonly Migration[]): void {
  database.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const applied = new Set(
    (database.statement('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map(
      (row) => row.id,
    ),
  );
  const known = new Set(migrations.map((migration) => migration.id));
  const unknown = [...applied].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new NovaError(
      'STORAGE_ERROR',
      `the database ${database.location} has schema migration(s) ${unknown.join(', ')} that this version of Nova does not know; it was written by a newer Nova. Upgrade Nova or use another data folder.`,
    );
  }
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(migration.id)) continue;
    database.transaction(() => {
      database.exec(migration.sql);
      database
        .statement('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.id, migration.name, new Date().toISOString());
    });
  }
}
