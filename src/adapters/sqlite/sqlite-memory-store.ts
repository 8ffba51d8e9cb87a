import type {
  IndexedFile,
  MemoryItem,
  MemoryKind,
  MemoryQuery,
  MemoryStore,
  ProjectFileIndex,
} from '../../ports/memory-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';
import { toFtsQuery } from './sqlite-note-store.ts';

interface Row {
  rowid: number;
  id: string;
  scope: string;
  kind: string;
  text: string;
  key: string | null;
  tags: string;
  confidence: number;
  provenance: string;
  content_hash: string;
  valid_from: string;
  valid_until: string | null;
  superseded_by: string | null;
  supersedes: string | null;
  location: string | null;
}

function fromRow(row: Row): MemoryItem {
  return {
    id: row.id,
    scope: row.scope,
    kind: row.kind as MemoryKind,
    text: row.text,
    ...(row.key === null ? {} : { key: row.key }),
    tags: JSON.parse(row.tags) as string[],
    confidence: row.confidence,
    provenance: JSON.parse(row.provenance) as MemoryItem['provenance'],
    validFrom: row.valid_from,
    ...(row.valid_until === null ? {} : { validUntil: row.valid_until }),
    ...(row.superseded_by === null ? {} : { supersededBy: row.superseded_by }),
    ...(row.supersedes === null ? {} : { supersedes: row.supersedes }),
    ...(row.location === null
      ? {}
      : { location: JSON.parse(row.location) as NonNullable<MemoryItem['location']> }),
  };
}

const toBlob = (vector: Float32Array): Uint8Array =>
  new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
const fromBlob = (blob: Uint8Array): Float32Array =>
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 1 : 1 - dot / Math.sqrt(normA * normB);
}

/**
 * Memory in SQLite: items with FTS5 (BM25) over text and tags, embeddings as float32 BLOBs. Vector
 * search runs in SQL with sqlite-vec's `vec_distance_cosine` when the extension loaded, else in
 * JavaScript; both are exact (every candidate in scope is compared).
 */
export class SqliteMemoryStore implements MemoryStore, ProjectFileIndex {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  /** `scope IN (...) AND current` as SQL with its values. */
  #filter(query: MemoryQuery, alias = 'memory_items'): { sql: string; values: string[] } {
    const scopes = query.scopes.length > 0 ? query.scopes : ['(none)'];
    const parts = [`${alias}.scope IN (${scopes.map(() => '?').join(', ')})`];
    const values = [...scopes];
    if (!query.includeHistory) parts.push(`${alias}.valid_until IS NULL`);
    if (query.kinds && query.kinds.length > 0) {
      parts.push(`${alias}.kind IN (${query.kinds.map(() => '?').join(', ')})`);
      values.push(...query.kinds);
    }
    return { sql: parts.join(' AND '), values };
  }

  async put(item: MemoryItem): Promise<void> {
    storageCall('saving a memory item', () =>
      this.#database
        .statement(
          `INSERT INTO memory_items (id, scope, kind, text, key, tags, confidence, provenance, content_hash, valid_from, valid_until, superseded_by, supersedes, location)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          item.id,
          item.scope,
          item.kind,
          item.text,
          item.key ?? null,
          JSON.stringify(item.tags),
          item.confidence,
          JSON.stringify(item.provenance),
          item.provenance.contentHash,
          item.validFrom,
          item.validUntil ?? null,
          item.supersededBy ?? null,
          item.supersedes ?? null,
          item.location ? JSON.stringify(item.location) : null,
        ),
    );
  }

  async get(id: string): Promise<MemoryItem | undefined> {
    const row = storageCall('reading a memory item', () =>
      this.#database.statement('SELECT * FROM memory_items WHERE id = ?').get(id),
    ) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async findByHash(scope: string, contentHash: string): Promise<MemoryItem | undefined> {
    const row = storageCall('reading memory', () =>
      this.#database
        .statement(
          'SELECT * FROM memory_items WHERE scope = ? AND content_hash = ? AND valid_until IS NULL LIMIT 1',
        )
        .get(scope, contentHash),
    ) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async findCurrentByKey(scope: string, kind: MemoryKind, key: string): Promise<MemoryItem | undefined> {
    const row = storageCall('reading memory', () =>
      this.#database
        .statement(
          'SELECT * FROM memory_items WHERE scope = ? AND kind = ? AND key = ? AND valid_until IS NULL ORDER BY valid_from DESC LIMIT 1',
        )
        .get(scope, kind, key),
    ) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async close(id: string, at: string, by?: string): Promise<boolean> {
    const changes = storageCall(
      'closing a memory item',
      () =>
        this.#database
          .statement(
            'UPDATE memory_items SET valid_until = ?, superseded_by = ? WHERE id = ? AND valid_until IS NULL',
          )
          .run(at, by ?? null, id).changes,
    );
    return Number(changes) > 0;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    storageCall('removing memory items', () =>
      this.#database.transaction(() => {
        const remove = this.#database.statement('DELETE FROM memory_items WHERE id = ?');
        for (const id of ids) remove.run(id);
      }),
    );
  }

  async list(query: MemoryQuery): Promise<MemoryItem[]> {
    const filter = this.#filter(query);
    const rows = storageCall('listing memory', () =>
      this.#database
        .statement(
          `SELECT * FROM memory_items WHERE ${filter.sql} ORDER BY valid_from DESC, rowid DESC LIMIT ?`,
        )
        .all(...filter.values, query.limit),
    ) as unknown as Row[];
    return rows.map(fromRow);
  }

  async searchText(text: string, query: MemoryQuery): Promise<MemoryItem[]> {
    const match = toFtsQuery(text);
    if (!match) return [];
    const filter = this.#filter(query, 'm');
    const rows = storageCall('searching memory', () =>
      this.#database
        .statement(
          `SELECT m.* FROM memory_fts JOIN memory_items m ON m.rowid = memory_fts.rowid
           WHERE memory_fts MATCH ? AND ${filter.sql} ORDER BY bm25(memory_fts), m.valid_from DESC LIMIT ?`,
        )
        .all(match, ...filter.values, query.limit),
    ) as unknown as Row[];
    return rows.map(fromRow);
  }

  async searchVector(
    vector: Float32Array,
    model: string,
    query: MemoryQuery,
  ): Promise<Array<{ item: MemoryItem; distance: number }>> {
    const filter = this.#filter(query, 'm');
    if (this.#database.vectors) {
      const rows = storageCall('searching memory by meaning', () =>
        this.#database
          .statement(
            `SELECT m.*, vec_distance_cosine(e.vector, ?) AS distance FROM memory_embeddings e JOIN memory_items m ON m.rowid = e.item_rowid
             WHERE e.model = ? AND ${filter.sql} ORDER BY distance LIMIT ?`,
          )
          .all(toBlob(vector), model, ...filter.values, query.limit),
      ) as unknown as Array<Row & { distance: number }>;
      return rows.map((row) => ({ item: fromRow(row), distance: row.distance }));
    }
    const rows = storageCall('searching memory by meaning', () =>
      this.#database
        .statement(
          `SELECT m.*, e.vector AS vector FROM memory_embeddings e JOIN memory_items m ON m.rowid = e.item_rowid WHERE e.model = ? AND ${filter.sql}`,
        )
        .all(model, ...filter.values),
    ) as unknown as Array<Row & { vector: Uint8Array }>;
    return rows
      .map((row) => ({ item: fromRow(row), distance: cosineDistance(vector, fromBlob(row.vector)) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, query.limit);
  }

  async setEmbedding(id: string, model: string, vector: Float32Array): Promise<void> {
    storageCall('saving an embedding', () =>
      this.#database
        .statement(
          `INSERT INTO memory_embeddings (item_rowid, model, content_hash, vector)
           SELECT rowid, ?, content_hash, ? FROM memory_items WHERE id = ?
           ON CONFLICT (item_rowid, model) DO UPDATE SET vector = excluded.vector, content_hash = excluded.content_hash`,
        )
        .run(model, toBlob(vector), id),
    );
  }

  async embeddingFor(contentHash: string, model: string): Promise<Float32Array | undefined> {
    const row = storageCall('reading an embedding', () =>
      this.#database
        .statement('SELECT vector FROM memory_embeddings WHERE content_hash = ? AND model = ? LIMIT 1')
        .get(contentHash, model),
    ) as { vector: Uint8Array } | undefined;
    return row ? fromBlob(row.vector) : undefined;
  }

  async missingEmbeddings(model: string, limit: number): Promise<MemoryItem[]> {
    const rows = storageCall('finding items to embed', () =>
      this.#database
        .statement(
          `SELECT m.* FROM memory_items m WHERE m.valid_until IS NULL
           AND NOT EXISTS (SELECT 1 FROM memory_embeddings e WHERE e.item_rowid = m.rowid AND e.model = ?) LIMIT ?`,
        )
        .all(model, limit),
    ) as unknown as Row[];
    return rows.map(fromRow);
  }

  /** Indexed files of a project: what was read last time, to skip unchanged ones. */
  async indexedFiles(projectId: string): Promise<Map<string, IndexedFile>> {
    const rows = storageCall('reading the file index', () =>
      this.#database.statement('SELECT * FROM indexed_files WHERE project_id = ?').all(projectId),
    ) as Array<{ path: string; size: number; mtime_ms: number; content_hash: string; chunk_ids: string }>;
    return new Map(
      rows.map((row) => [
        row.path,
        {
          size: row.size,
          mtimeMs: row.mtime_ms,
          contentHash: row.content_hash,
          chunkIds: JSON.parse(row.chunk_ids) as string[],
        },
      ]),
    );
  }

  async saveIndexedFile(projectId: string, path: string, entry: IndexedFile): Promise<void> {
    storageCall('saving the file index', () =>
      this.#database
        .statement(
          `INSERT INTO indexed_files (project_id, path, size, mtime_ms, content_hash, chunk_ids) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (project_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash, chunk_ids = excluded.chunk_ids`,
        )
        .run(projectId, path, entry.size, entry.mtimeMs, entry.contentHash, JSON.stringify(entry.chunkIds)),
    );
  }

  async forgetIndexedFile(projectId: string, path: string): Promise<void> {
    storageCall('saving the file index', () =>
      this.#database
        .statement('DELETE FROM indexed_files WHERE project_id = ? AND path = ?')
        .run(projectId, path),
    );
  }
}
