import { Worker } from 'node:worker_threads';
import type { QueryResult, ReadOnlyDatabase } from '../../ports/read-only-database.ts';

/** Runs in a worker: opens the file read-only, reads at most maxRows + 1 rows, posts them back. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const { file, sql, maxRows } = workerData;
let database;
try {
  database = new DatabaseSync(file, { readOnly: true });
  const statement = database.prepare(sql);
  statement.setReturnArrays(true);
  const columns = statement.columns().map((column) => column.name);
  const rows = [];
  let truncated = false;
  for (const row of statement.iterate()) {
    if (rows.length === maxRows) { truncated = true; break; }
    rows.push(row);
  }
  parentPort.postMessage({ columns, rows, truncated });
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  database?.close();
}
`;

/**
 * A SQLite file opened read-only (the library refuses every write). node:sqlite runs a statement
 * synchronously and cannot interrupt it, so each query runs in a worker thread that is terminated
 * at the timeout or on cancel.
 */
export class SqliteReadOnlyDatabase implements ReadOnlyDatabase {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  query(
    sql: string,
    options: { maxRows: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve, reject) => {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { file: this.#file, sql, maxRows: options.maxRows },
      });
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        outcome();
        void worker.terminate();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`the query ran longer than ${options.timeoutMs} ms and was stopped`)),
          ),
        options.timeoutMs,
      );
      const onAbort = () => finish(() => reject(new Error('the query was cancelled')));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (message: QueryResult | { error: string }) =>
        finish(() => ('error' in message ? reject(new Error(message.error)) : resolve(message))),
      );
      worker.once('error', (error: Error) => finish(() => reject(error)));
      worker.once('exit', (code) =>
        finish(() => reject(new Error(`the query worker stopped unexpectedly (exit ${code})`))),
      );
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
