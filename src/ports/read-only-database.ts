/** What a read-only query returned, cut to the row limit. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
  /** More rows existed than the limit; only the first `maxRows` are here. */
  readonly truncated: boolean;
}

/**
 * A client's database, opened so that nothing can be changed through it: the database itself
 * refuses writes (a read-only transaction or a read-only connection), whatever the SQL says.
 */
export interface ReadOnlyDatabase {
  /** Runs one statement. Rejects with the database's message for bad SQL, a write, or the timeout. */
  query(
    sql: string,
    options: { maxRows: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<QueryResult>;
  close(): Promise<void>;
}
