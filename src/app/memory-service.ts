import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { NovaError } from '../domain/nova-error.ts';
import type { TrustLevel } from '../domain/context-item.ts';
import type { Clock } from '../ports/clock.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type {
  MemoryItem,
  MemoryKind,
  MemoryQuery,
  MemoryStore,
  ProjectFileIndex,
} from '../ports/memory-store.ts';
import { looksLikeSecretFile } from '../tools/path-confinement.ts';
import type { ProjectRef } from '../tools/tool.ts';
import { looksBinary, walkProject } from '../tools/builtin/walk-project.ts';

export interface MemoryWrite {
  readonly scope: string;
  readonly kind: MemoryKind;
  readonly text: string;
  readonly key?: string;
  readonly tags?: readonly string[];
  readonly confidence?: number;
  /** Where the knowledge came from (a run, a file, the owner). */
  readonly sourceUri?: string;
  readonly runId?: string;
  readonly author: string;
  readonly trust?: TrustLevel;
  /** An explicit older item this one replaces. */
  readonly supersedes?: string;
}

export interface MemoryHit {
  readonly item: MemoryItem;
  readonly score: number;
  /** How it was found: full text, meaning, or both. */
  readonly via: readonly ('text' | 'vector')[];
}

export interface IndexReport {
  readonly projectId: string;
  readonly files: number;
  readonly read: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly chunks: number;
}

const scopePattern = /^(global|project:[a-z0-9][a-z0-9-]*|agent:[a-z0-9][a-z0-9-]*|run:[A-Za-z0-9_]+)$/;
const linesPerChunk = 40;
const maxIndexedFileBytes = 1_000_000;

/** Lowercase words only, so "The DB is Postgres." and "the db is postgres" are the same text. */
function normalize(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function jaccard(a: string, b: string): number {
  const left = new Set(a.split(' '));
  const right = new Set(b.split(' '));
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return shared / (left.size + right.size - shared || 1);
}

/**
 * Nova's memory: facts, decisions, preferences, episodes and document chunks with provenance.
 * Writes deduplicate near-identical items; a newer item with the same scope, kind and `key` (or
 * naming `supersedes`) supersedes the old one, which stays as history. Search is hybrid: BM25
 * full text always, plus nearest embeddings when an embedding model is configured, fused by
 * reciprocal rank and weighted by recency and confidence.
 */
export class MemoryService {
  readonly #store: MemoryStore;
  readonly #files: ProjectFileIndex;
  readonly #embedder: Embedder | undefined;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;

  constructor(dependencies: {
    store: MemoryStore;
    files: ProjectFileIndex;
    embedder?: Embedder;
    clock: Clock;
    ids: IdGenerator;
  }) {
    this.#store = dependencies.store;
    this.#files = dependencies.files;
    this.#embedder = dependencies.embedder;
    this.#clock = dependencies.clock;
    this.#ids = dependencies.ids;
  }

  get embeddingModel(): string | undefined {
    return this.#embedder?.id;
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  async write(
    request: MemoryWrite,
  ): Promise<{ item: MemoryItem; outcome: 'created' | 'duplicate' | 'superseded'; previous?: MemoryItem }> {
    if (!scopePattern.test(request.scope)) {
      throw new NovaError(
        'BAD_REQUEST',
        `"${request.scope}" is not a memory scope; use global, project:<id>, agent:<name> or run:<id>`,
      );
    }
    const text = request.text.trim();
    if (text.length === 0) throw new NovaError('BAD_REQUEST', 'a memory needs some text');
    const normalized = normalize(text);
    const contentHash = sha256(normalized);
    const duplicate = await this.#store.findByHash(request.scope, contentHash);
    if (duplicate) return { item: duplicate, outcome: 'duplicate' };
    // Near-identical: nearly all the same words as a current item of the same kind in the scope.
    for (const candidate of await this.#store.searchText(text, {
      scopes: [request.scope],
      limit: 5,
      kinds: [request.kind],
    })) {
      if (jaccard(normalize(candidate.text), normalized) >= 0.85 && candidate.key === request.key) {
        return { item: candidate, outcome: 'duplicate' };
      }
    }
    let previous: MemoryItem | undefined;
    if (request.supersedes) {
      previous = await this.#store.get(request.supersedes);
      if (!previous) throw new NovaError('NOT_FOUND', `no memory item "${request.supersedes}" to supersede`);
    } else if (request.key) {
      previous = await this.#store.findCurrentByKey(request.scope, request.kind, request.key);
    }
    const now = this.#now();
    const item: MemoryItem = {
      id: this.#ids.next('mem'),
      scope: request.scope,
      kind: request.kind,
      text,
      ...(request.key ? { key: request.key } : {}),
      tags: [...new Set((request.tags ?? []).map((tag) => tag.toLowerCase()))],
      confidence: Math.min(1, Math.max(0, request.confidence ?? 0.8)),
      provenance: {
        sourceUri:
          request.sourceUri ?? (request.runId ? `run://${request.runId}` : `memory://${request.author}`),
        observedAt: now,
        contentHash,
        trust: request.trust ?? 'trusted',
        author: request.author,
        ...(request.runId ? { runId: request.runId } : {}),
      },
      validFrom: now,
      ...(previous ? { supersedes: previous.id } : {}),
    };
    await this.#store.put(item);
    if (previous) await this.#store.close(previous.id, now, item.id);
    await this.#embed([item]);
    return { item, outcome: previous ? 'superseded' : 'created', ...(previous ? { previous } : {}) };
  }

  async get(id: string): Promise<MemoryItem> {
    const item = await this.#store.get(id);
    if (!item) throw new NovaError('NOT_FOUND', `no memory item "${id}"; see nova memory list`);
    return item;
  }

  async forget(id: string): Promise<void> {
    await this.get(id);
    if (!(await this.#store.close(id, this.#now())))
      throw new NovaError('CONFLICT', `memory item ${id} is already forgotten or superseded`);
  }

  /** The item's chain: what it superseded, and what superseded it, oldest first. */
  async history(id: string): Promise<MemoryItem[]> {
    const start = await this.get(id);
    const chain = [start];
    for (let item = start; item.supersedes;) {
      const older = await this.#store.get(item.supersedes);
      if (!older) break;
      chain.unshift(older);
      item = older;
    }
    for (let item = start; item.supersededBy;) {
      const newer = await this.#store.get(item.supersededBy);
      if (!newer) break;
      chain.push(newer);
      item = newer;
    }
    return chain;
  }

  list(query: MemoryQuery): Promise<MemoryItem[]> {
    return this.#store.list(query);
  }

  async search(text: string, query: MemoryQuery): Promise<MemoryHit[]> {
    // Each list contributes its top 5,000: deep enough that items ranked moderately in both lists,
    // which reciprocal-rank fusion can lift into the top results, are not cut off early.
    const pool = Math.max(query.limit * 500, 5_000);
    if (!this.#embedder) {
      // Nothing to fuse: the full-text ranking is the answer.
      const items = await this.#store.searchText(text, query);
      return this.#weigh(
        items.map((item, rank) => ({ item, score: 1 / (60 + rank + 1), via: ['text' as const] })),
        query.limit,
      );
    }
    // Fusion works on ids; only the winners are read.
    const textIds = await this.#store.rankText(text, { ...query, limit: pool });
    const [vector] = await this.#embedder.embed([text]);
    const vectorIds = vector
      ? await this.#store.rankVector(vector, this.#embedder.id, { ...query, limit: pool })
      : [];
    const fusedIds = new Map<string, { score: number; via: Set<'text' | 'vector'> }>();
    const add = (ids: readonly string[], via: 'text' | 'vector'): void => {
      ids.forEach((id, rank) => {
        const entry = fusedIds.get(id) ?? { score: 0, via: new Set<'text' | 'vector'>() };
        entry.score += 1 / (60 + rank + 1);
        entry.via.add(via);
        fusedIds.set(id, entry);
      });
    };
    add(textIds, 'text');
    add(vectorIds, 'vector');
    // Recency and confidence can reorder the top only a little: read a margin beyond the limit.
    const top = [...fusedIds.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, query.limit * 3);
    const items = new Map((await this.#store.getMany(top.map(([id]) => id))).map((item) => [item.id, item]));
    return this.#weigh(
      top.flatMap(([id, entry]) => {
        const item = items.get(id);
        return item ? [{ item, score: entry.score, via: [...entry.via] }] : [];
      }),
      query.limit,
    );
  }

  /** Weighs fused scores by recency (half weight after ~4 months) and confidence; best first. */
  #weigh(
    hits: ReadonlyArray<{ item: MemoryItem; score: number; via: ReadonlyArray<'text' | 'vector'> }>,
    limit: number,
  ): MemoryHit[] {
    const now = this.#clock.now();
    return hits
      .map(({ item, score, via }) => {
        const ageDays = Math.max(0, (now - Date.parse(item.validFrom)) / 86_400_000);
        const recency = 0.5 + 0.5 * Math.exp(-ageDays / 180);
        return { item, score: score * recency * (0.5 + 0.5 * item.confidence), via: [...via] };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  async #embed(items: readonly MemoryItem[]): Promise<void> {
    const embedder = this.#embedder;
    if (!embedder || items.length === 0) return;
    const missing: MemoryItem[] = [];
    for (const item of items) {
      // Computed once per content and model.
      const cached = await this.#store.embeddingFor(item.provenance.contentHash, embedder.id);
      if (cached) await this.#store.setEmbedding(item.id, embedder.id, cached);
      else missing.push(item);
    }
    for (let start = 0; start < missing.length; start += 64) {
      const batch = missing.slice(start, start + 64);
      const vectors = await embedder.embed(batch.map((item) => item.text));
      for (const [index, item] of batch.entries()) {
        const vector = vectors[index];
        if (vector) await this.#store.setEmbedding(item.id, embedder.id, vector);
      }
    }
  }

  /** Embeds current items the configured model has not embedded yet (after a model change); returns how many. */
  async embedPending(limit = 10_000): Promise<number> {
    if (!this.#embedder) return 0;
    const pending = await this.#store.missingEmbeddings(this.#embedder.id, limit);
    await this.#embed(pending);
    return pending.length;
  }

  /**
   * Indexes a project's text files into document chunks, incrementally: a file whose size and
   * modification time are unchanged is not read, one whose content hash is unchanged keeps its
   * chunks, and a deleted file's chunks leave the index.
   */
  async indexProject(
    project: ProjectRef,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<IndexReport> {
    const known = await this.#files.indexedFiles(project.id);
    const seen = new Set<string>();
    let read = 0;
    let unchanged = 0;
    let chunks = 0;
    const fresh: MemoryItem[] = [];
    for await (const entry of walkProject(project.root, { recursive: true, includeHidden: false, signal })) {
      if (entry.kind !== 'file' || entry.hidden || looksLikeSecretFile(entry.relative)) continue;
      const stat = await fs.promises.stat(entry.absolute).catch(() => undefined);
      if (!stat || stat.size > maxIndexedFileBytes) continue;
      seen.add(entry.relative);
      const before = known.get(entry.relative);
      if (before && before.size === stat.size && before.mtimeMs === stat.mtimeMs) {
        unchanged += 1;
        continue;
      }
      const content = await fs.promises.readFile(entry.absolute);
      read += 1;
      if (looksBinary(content)) continue;
      const text = content.toString('utf8');
      const contentHash = sha256(text);
      if (before && before.contentHash === contentHash) {
        await this.#files.saveIndexedFile(project.id, entry.relative, {
          ...before,
          size: stat.size,
          mtimeMs: stat.mtimeMs,
        });
        unchanged += 1;
        continue;
      }
      if (before) await this.#store.remove(before.chunkIds);
      const lines = text.split('\n');
      const ids: string[] = [];
      const now = this.#now();
      for (let start = 0; start < lines.length; start += linesPerChunk) {
        const body = lines
          .slice(start, start + linesPerChunk)
          .join('\n')
          .trim();
        if (body.length === 0) continue;
        const endLine = Math.min(lines.length, start + linesPerChunk);
        const item: MemoryItem = {
          id: this.#ids.next('doc'),
          scope: `project:${project.id}`,
          kind: 'document-chunk',
          text: body,
          tags: [],
          confidence: 1,
          provenance: {
            sourceUri: `file://${project.id}/${entry.relative}#L${start + 1}-L${endLine}`,
            observedAt: now,
            contentHash: sha256(body),
            trust: project.trust ?? 'trusted',
            author: 'indexer',
          },
          validFrom: now,
          location: { projectId: project.id, path: entry.relative, startLine: start + 1, endLine },
        };
        await this.#store.put(item);
        fresh.push(item);
        ids.push(item.id);
      }
      chunks += ids.length;
      await this.#files.saveIndexedFile(project.id, entry.relative, {
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        contentHash,
        chunkIds: ids,
      });
    }
    let removed = 0;
    for (const [path, before] of known) {
      if (seen.has(path)) continue;
      await this.#store.remove(before.chunkIds);
      await this.#files.forgetIndexedFile(project.id, path);
      removed += 1;
    }
    await this.#embed(fresh);
    return { projectId: project.id, files: seen.size, read, unchanged, removed, chunks };
  }
}
