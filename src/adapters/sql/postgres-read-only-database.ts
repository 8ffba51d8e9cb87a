import type pg from 'pg';
import type { QueryResult, ReadOnlyDatabase } from '../../ports/read-only-database.ts';

/**
 * PostgreSQL through `pg`, each query in its own `READ ONLY` transaction (the server refuses
 * writes, DDL and nextval in it) with a `statement_timeout`, rolled back afterwards. Rows beyond
 * the limit are not fetched: the statement is read through a server-side cursor.
 * Give Nova a role with SELECT rights only, too: read-only transactions do not stop everything
 * (e.g. functions that call out through dblink).
 */
export class PostgresReadOnlyDatabase implements ReadOnlyDatabase {
  readonly #connectionString: string;
  /** The driver is loaded with the first query: most Nova commands never open a database. */
  #pool: Promise<pg.Pool> | undefined;

  constructor(connectionString: string) {
    this.#connectionString = connectionString;
  }

  #connect(): Promise<pg.Pool> {
    this.#pool ??= import('pg').then(({ default: driver }) => {
      const pool = new driver.Pool({
        connectionString: this.#connectionString,
        max: 2,
        idleTimeoutMillis: 10_000,
      });
      // An idle client's error (the server restarted) must not crash Nova.
      pool.on('error', () => undefined);
      return pool;
    });
    return this.#pool;
  }

  async query(
    sql: string,
    options: { maxRows: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<QueryResult> {
    const client = await (await this.#connect()).connect();
    const cancel = () => {
      // Ends the connection; the server aborts the statement and the transaction.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    };
    options.signal?.addEventListener('abort', cancel, { once: true });
    let broken = false;
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
      await client.query('DECLARE nova_cursor NO SCROLL CURSOR FOR ' + sql);
      const fetched = await client.query({
        text: `FETCH FORWARD ${options.maxRows + 1} FROM nova_cursor`,
        rowMode: 'array',
      });
      const rows = fetched.rows as unknown[][];
      return {
        columns: fetched.fields.map((field) => field.name),
        rows: rows.slice(0, options.maxRows),
        truncated: rows.length > options.maxRows,
      };
    } catch (error) {
      broken = options.signal?.aborted ?? false;
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await (await pool).end();
  }
}
