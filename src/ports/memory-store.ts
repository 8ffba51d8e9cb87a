import type { Provenance } from '../domain/context-item.ts';

export const memoryKinds = ['fact', 'decision', 'preference', 'episode', 'document-chunk'] as const;
export type MemoryKind = (typeof memoryKinds)[number];

/**
 * Something Nova remembers, with where it came from. `scope` is `global`, `project:<id>`,
 * `agent:<name>` or `run:<id>`. An item is current while `validUntil` is unset (or in the future)
 * and nothing superseded it.
 */
export interface MemoryItem {
  readonly id: string;
  readonly scope: string;
  readonly kind: MemoryKind;
  readonly text: string;
  /** What the item is about (`db-engine`): a newer item with the same scope, kind and key supersedes it. */
  readonly key?: string;
  readonly tags: readonly string[];
  readonly confidence: number;
  readonly provenance: Provenance & { readonly runId?: string; readonly author: string };
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly supersededBy?: string;
  readonly supersedes?: string;
  /** For document chunks: the file and lines it came from. */
  readonly location?: {
    readonly projectId: string;
    readonly path: string;
    readonly startLine: number;
    readonly endLine: number;
  };
}

export interface MemoryQuery {
  readonly scopes: readonly string[];
  readonly limit: number;
  /** Include superseded and expired items (history). */
  readonly includeHistory?: boolean;
  readonly kinds?: readonly MemoryKind[];
}

/**
 * Memory items, full-text and vector search. Contract (`memory-store.contract.ts`): searches see
 * only the given scopes, and by default only current items; `searchText` ranks by BM25.
 */
export interface MemoryStore {
  put(item: MemoryItem): Promise<void>;
  get(id: string): Promise<MemoryItem | undefined>;
  /** The current item in `scope` with this content hash (exact duplicate), if any. */
  findByHash(scope: string, contentHash: string): Promise<MemoryItem | undefined>;
  /** The current item with this scope, kind and key, if any. */
  findCurrentByKey(scope: string, kind: MemoryKind, key: string): Promise<MemoryItem | undefined>;
  /** Ends an item's validity (`forget`), or marks it superseded by `by`. */
  close(id: string, at: string, by?: string): Promise<boolean>;
  /** Removes items for good (document chunks of a changed or deleted file). */
  remove(ids: readonly string[]): Promise<void>;
  list(query: MemoryQuery): Promise<MemoryItem[]>;
  searchText(text: string, query: MemoryQuery): Promise<MemoryItem[]>;
  /** Nearest items by cosine distance among those embedded with `model`. */
  searchVector(
    vector: Float32Array,
    model: string,
    query: MemoryQuery,
  ): Promise<Array<{ item: MemoryItem; distance: number }>>;
  /** Ids only, best first: what fusion needs from each list before any item is read. */
  rankText(text: string, query: MemoryQuery): Promise<string[]>;
  rankVector(vector: Float32Array, model: string, query: MemoryQuery): Promise<string[]>;
  /** Items by id, in the order asked (unknown ids left out). */
  getMany(ids: readonly string[]): Promise<MemoryItem[]>;
  setEmbedding(id: string, model: string, vector: Float32Array): Promise<void>;
  /** A stored embedding of the same content with the same model (computed once per content). */
  embeddingFor(contentHash: string, model: string): Promise<Float32Array | undefined>;
  /** Current items without an embedding from `model` (for background re-embedding). */
  missingEmbeddings(model: string, limit: number): Promise<MemoryItem[]>;
}

export interface IndexedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly contentHash: string;
  readonly chunkIds: readonly string[];
}

/** What the second-brain indexer saw of each project file last time, to skip unchanged files. */
export interface ProjectFileIndex {
  indexedFiles(projectId: string): Promise<Map<string, IndexedFile>>;
  saveIndexedFile(projectId: string, path: string, entry: IndexedFile): Promise<void>;
  forgetIndexedFile(projectId: string, path: string): Promise<void>;
}
