/**
 * Embeddings already computed, by model and a hash of the text, so the same text is never sent to
 * an embedding model twice (the router's agent examples, re-read on every start).
 */
export interface EmbeddingCache {
  /** The cached vectors among `textHashes`, by hash; missing ones are absent. */
  get(model: string, textHashes: readonly string[]): Promise<Map<string, Float32Array>>;
  put(model: string, entries: ReadonlyArray<{ textHash: string; vector: Float32Array }>): Promise<void>;
}
