import type { Pool } from 'mariadb';
import type { QueryResult, ReadOnlyDatabase } from '../../ports/read-only-database.ts';

/**
 * MariaDB (and MySQL-compatible servers speaking its protocol) through the `mariadb` connector:
 * each query in a read-only session and a `READ ONLY` transaction, which the server enforces
 * (DDL included), rolled back afterwards;
 * the statement runs under `max_statement_time`; reading statements are wrapped to fetch at
 * most the limit plus one row. Give Nova a SELECT-only account as well.
 */
export class MariaDbReadOnlyDatabase implements ReadOnlyDatabase {
  readonly #url: URL;
  /** The connector is loaded with the first query: most Nova commands never open a database. */
  #pool: Promise<Pool> | undefined;

  constructor(url: string) {
    this.#url = new URL(url);
  }

  #connect(): Promise<Pool> {
    const parsed = this.#url;
    this.#pool ??= import('mariadb').then(({ default: mariadb }) =>
      mariadb.createPool({
        host: parsed.hostname,
        port: parsed.port ? Number(parsed.port) : 3306,
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
        connectionLimit: 2,
        rowsAsArray: true,
        bigIntAsNumber: false,
        dateStrings: true,
      }),
    );
    return this.#pool;
  }

  async query(
    sql: string,
    options: { maxRows: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<QueryResult> {
    const connection = await (await this.#connect()).getConnection();
    const cancel = () => void connection.destroy();
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      // The session's default matters too: DDL commits the open transaction implicitly and then
      // runs in a transaction of its own, which only a read-only session refuses.
      await connection.query('SET SESSION TRANSACTION READ ONLY');
      await connection.query('START TRANSACTION READ ONLY');
      const seconds = Math.max(0.001, options.timeoutMs / 1000);
      const limited = /^\s*(\(\s*)*(select|with|values)\b/i.test(sql)
        ? `SELECT * FROM (${sql}) AS nova_query LIMIT ${options.maxRows + 1}`
        : sql;
      const rows = await connection.query<unknown[][] & { meta?: Array<{ name(): string }> }>({
        sql: `SET STATEMENT max_statement_time = ${seconds} FOR ${limited}`,
        rowsAsArray: true,
      });
      const columns = (rows.meta ?? []).map((column) => column.name());
      return {
        columns,
        rows: rows.slice(0, options.maxRows),
        truncated: rows.length > options.maxRows,
      };
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      await connection.query('ROLLBACK').catch(() => undefined);
      await connection.release().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await (await pool).end();
  }
}
