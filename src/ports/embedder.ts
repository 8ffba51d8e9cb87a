/** Turns texts into vectors for meaning-based search. `id` names the model (embeddings are cached per model). */
export interface Embedder {
  readonly id: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
