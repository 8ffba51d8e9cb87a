import type {
  IndexedFile,
  MemoryItem,
  MemoryKind,
  MemoryQuery,
  MemoryStore,
  ProjectFileIndex,
} from '../../ports/memory-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

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

interface EmbeddingMatrix {
  readonly version: number;
  readonly dataVersion: number;
  readonly count: number;
  readonly dims: number;
  readonly data: Float32Array;
  readonly norms: Float32Array;
  readonly rowids: readonly number[];
  readonly ids: readonly string[];
  readonly scopes: readonly string[];
  readonly kinds: readonly string[];
  readonly current: Uint8Array;
}

/**
 * Memory in SQLite: items with FTS5 (BM25, porter stemming) over text and tags, embeddings as
 * float32 BLOBs. Vector search is exact: the model's embeddings are held as one matrix in memory
 * (reloaded when memory changes) and every item in scope is compared — measured faster here than
 * scanning with sqlite-vec's `vec_distance_cosine` in SQL (see docs/decisions/0008-memory.md).
 */
export class SqliteMemoryStore implements MemoryStore, ProjectFileIndex {
  readonly #database: SqliteDatabase;
  /** Embedding matrices by model, and a counter of this connection's changes that invalidates them. */
  readonly #matrices = new Map<string, EmbeddingMatrix>();
  #version = 0;

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
    this.#version += 1;
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
    this.#version += 1;
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
    this.#version += 1;
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
    // Whole words (stemmed by the porter tokenizer), any of them: prefix matching would pull in
    // every word that starts the same and cost a scan of much of the index.
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])];
    if (words.length === 0) return [];
    const match = words.map((word) => `"${word}"`).join(' OR ');
    const filter = this.#filter(query, 'm');
    // Rank in the full-text index alone first (no row of memory_items is read for the many weak
    // matches), then filter the best by scope and validity; if the filter left too few and there
    // were more matches, rank again with the filter inside.
    const ranked = Math.max(query.limit * 5, 500);
    let rows = storageCall('searching memory', () =>
      this.#database
        .statement(
          `SELECT m.* FROM (SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rank LIMIT ?) hits
           JOIN memory_items m ON m.rowid = hits.rowid WHERE ${filter.sql} ORDER BY hits.rank, m.valid_from DESC LIMIT ?`,
        )
        .all(match, ranked, ...filter.values, query.limit),
    ) as unknown as Row[];
    if (rows.length < query.limit) {
      rows = storageCall('searching memory', () =>
        this.#database
          .statement(
            `SELECT m.* FROM memory_fts JOIN memory_items m ON m.rowid = memory_fts.rowid
             WHERE memory_fts MATCH ? AND ${filter.sql} ORDER BY memory_fts.rank, m.valid_from DESC LIMIT ?`,
          )
          .all(match, ...filter.values, query.limit),
      ) as unknown as Row[];
    }
    return rows.map(fromRow);
  }

  async rankText(text: string, query: MemoryQuery): Promise<string[]> {
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])];
    if (words.length === 0) return [];
    const match = words.map((word) => `"${word}"`).join(' OR ');
    const filter = this.#filter(query, 'm');
    const rows = storageCall('searching memory', () =>
      this.#database
        .statement(
          `SELECT m.id AS id FROM (SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rank LIMIT ?) hits
           JOIN memory_items m ON m.rowid = hits.rowid WHERE ${filter.sql} ORDER BY hits.rank LIMIT ?`,
        )
        .all(match, Math.max(query.limit * 2, 500), ...filter.values, query.limit),
    ) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  rankVector(vector: Float32Array, model: string, query: MemoryQuery): Promise<string[]> {
    return Promise.resolve(this.#nearest(vector, model, query).map((entry) => entry.id));
  }

  async getMany(ids: readonly string[]): Promise<MemoryItem[]> {
    if (ids.length === 0) return [];
    const rows = storageCall('reading memory', () =>
      this.#database
        .statement(`SELECT * FROM memory_items WHERE id IN (${ids.map(() => '?').join(', ')})`)
        .all(...ids),
    ) as unknown as Row[];
    const byId = new Map(rows.map((row) => [row.id, fromRow(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async searchVector(
    vector: Float32Array,
    model: string,
    query: MemoryQuery,
  ): Promise<Array<{ item: MemoryItem; distance: number }>> {
    const best = this.#nearest(vector, model, query);
    const items = await this.getMany(best.map((entry) => entry.id));
    const byId = new Map(items.map((item) => [item.id, item]));
    return best.flatMap((entry) => {
      const item = byId.get(entry.id);
      return item ? [{ item, distance: 1 - entry.similarity }] : [];
    });
  }

  /** The k nearest current items in scope by exact cosine similarity, best first (ids only). */
  #nearest(
    vector: Float32Array,
    model: string,
    query: MemoryQuery,
  ): Array<{ id: string; similarity: number }> {
    const matrix = this.#matrix(model);
    if (matrix.count === 0 || matrix.dims !== vector.length) return [];
    let queryNorm = 0;
    for (const value of vector) queryNorm += value * value;
    queryNorm = Math.sqrt(queryNorm) || 1;
    const scopes = new Set(query.scopes);
    const kinds = query.kinds ? new Set<string>(query.kinds) : undefined;
    // Exact: every embedded item in scope is compared; a bounded min-heap keeps the k nearest.
    const k = Math.max(1, query.limit);
    const heapScores = new Float64Array(k);
    const heapRows = new Int32Array(k);
    let size = 0;
    const { dims, data, norms } = matrix;
    for (let row = 0; row < matrix.count; row += 1) {
      if (!scopes.has(matrix.scopes[row]!)) continue;
      if (!query.includeHistory && !matrix.current[row]) continue;
      if (kinds && !kinds.has(matrix.kinds[row]!)) continue;
      let dot = 0;
      const offset = row * dims;
      for (let index = 0; index < dims; index += 1) dot += data[offset + index]! * vector[index]!;
      const similarity = dot / ((norms[row] || 1) * queryNorm);
      if (size < k) {
        let at = size++;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if (heapScores[parent]! <= similarity) break;
          heapScores[at] = heapScores[parent]!;
          heapRows[at] = heapRows[parent]!;
          at = parent;
        }
        heapScores[at] = similarity;
        heapRows[at] = row;
      } else if (similarity > heapScores[0]!) {
        let at = 0;
        for (;;) {
          const left = 2 * at + 1;
          if (left >= size) break;
          const right = left + 1;
          const child = right < size && heapScores[right]! < heapScores[left]! ? right : left;
          if (heapScores[child]! >= similarity) break;
          heapScores[at] = heapScores[child]!;
          heapRows[at] = heapRows[child]!;
          at = child;
        }
        heapScores[at] = similarity;
        heapRows[at] = row;
      }
    }
    const best = Array.from({ length: size }, (_, index) => ({
      row: heapRows[index]!,
      similarity: heapScores[index]!,
    })).sort((a, b) => b.similarity - a.similarity);
    return best.map((entry) => ({ id: matrix.ids[entry.row]!, similarity: entry.similarity }));
  }

  /**
   * All embeddings of a model as one contiguous matrix, with each item's scope, kind and whether
   * it is current; rebuilt when this connection or another process changed memory since.
   */
  #matrix(model: string): EmbeddingMatrix {
    const dataVersion = (this.#database.statement('PRAGMA data_version').get() as { data_version: number })
      .data_version;
    const cached = this.#matrices.get(model);
    if (cached && cached.version === this.#version && cached.dataVersion === dataVersion) return cached;
    const rows = storageCall('loading embeddings', () =>
      this.#database
        .statement(
          'SELECT e.item_rowid AS rowid, m.id AS id, e.vector AS vector, m.scope AS scope, m.kind AS kind, m.valid_until IS NULL AS current FROM memory_embeddings e JOIN memory_items m ON m.rowid = e.item_rowid WHERE e.model = ?',
        )
        .all(model),
    ) as Array<{
      rowid: number;
      id: string;
      vector: Uint8Array;
      scope: string;
      kind: string;
      current: number;
    }>;
    const dims = rows[0] ? rows[0].vector.byteLength / 4 : 0;
    const data = new Float32Array(rows.length * dims);
    const norms = new Float32Array(rows.length);
    rows.forEach((row, index) => {
      const vector = fromBlob(row.vector);
      data.set(vector, index * dims);
      let norm = 0;
      for (const value of vector) norm += value * value;
      norms[index] = Math.sqrt(norm);
    });
    const matrix: EmbeddingMatrix = {
      version: this.#version,
      dataVersion,
      count: rows.length,
      dims,
      data,
      norms,
      rowids: rows.map((row) => row.rowid),
      ids: rows.map((row) => row.id),
      scopes: rows.map((row) => row.scope),
      kinds: rows.map((row) => row.kind),
      current: Uint8Array.from(rows.map((row) => row.current)),
    };
    this.#matrices.set(model, matrix);
    return matrix;
  }

  async setEmbedding(id: string, model: string, vector: Float32Array): Promise<void> {
    this.#version += 1;
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
