import type { EmbeddingCache } from '../../ports/embedding-cache.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

/** Lookups go in chunks, under SQLite's limit on bound parameters. */
const chunkSize = 500;

export class SqliteEmbeddingCache implements EmbeddingCache {
  readonly #database: SqliteDatabase;
  readonly #now: () => Date;

  constructor(database: SqliteDatabase, now: () => Date = () => new Date()) {
    this.#database = database;
    this.#now = now;
  }

  get(model: string, textHashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (let start = 0; start < textHashes.length; start += chunkSize) {
      const chunk = textHashes.slice(start, start + chunkSize);
      const rows = storageCall('reading cached embeddings', () =>
        this.#database
          .statement(
            `SELECT text_hash, vector FROM embedding_cache WHERE model = ? AND text_hash IN (${chunk.map(() => '?').join(', ')})`,
          )
          .all(model, ...chunk),
      ) as Array<{ text_hash: string; vector: Uint8Array }>;
      for (const row of rows) {
        // A copy: the row's bytes need not be aligned for a Float32Array view.
        const vector = new Float32Array(row.vector.byteLength / 4);
        new Uint8Array(vector.buffer).set(row.vector);
        found.set(row.text_hash, vector);
      }
    }
    return Promise.resolve(found);
  }

  put(model: string, entries: ReadonlyArray<{ textHash: string; vector: Float32Array }>): Promise<void> {
    const createdAt = this.#now().toISOString();
    storageCall('caching embeddings', () => {
      const insert = this.#database.statement(
        'INSERT OR REPLACE INTO embedding_cache (model, text_hash, vector, created_at) VALUES (?, ?, ?, ?)',
      );
      this.#database.exec('BEGIN');
      try {
        for (const { textHash, vector } of entries)
          insert.run(
            model,
            textHash,
            new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
            createdAt,
          );
        this.#database.exec('COMMIT');
      } catch (error) {
        this.#database.exec('ROLLBACK');
        throw error;
      }
    });
    return Promise.resolve();
  }
}
