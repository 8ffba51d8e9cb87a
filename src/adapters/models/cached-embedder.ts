import { createHash } from 'node:crypto';
import type { Embedder } from '../../ports/embedder.ts';
import type { EmbeddingCache } from '../../ports/embedding-cache.ts';

/** An in-process EmbeddingCache (tests, and Nova without a database). */
export function createMemoryEmbeddingCache(): EmbeddingCache {
  const vectors = new Map<string, Float32Array>();
  return {
    get(model, textHashes) {
      const found = new Map<string, Float32Array>();
      for (const hash of textHashes) {
        const vector = vectors.get(`${model}\u0000${hash}`);
        if (vector) found.set(hash, Float32Array.from(vector));
      }
      return Promise.resolve(found);
    },
    put(model, entries) {
      for (const { textHash, vector } of entries)
        vectors.set(`${model}\u0000${textHash}`, Float32Array.from(vector));
      return Promise.resolve();
    },
  };
}

/**
 * An embedder that asks its model only for texts it has not embedded before (by model id and a
 * SHA-256 of the text), in one call for all the new ones, and remembers the answers.
 */
export function cachedEmbedder(embedder: Embedder, cache: EmbeddingCache): Embedder {
  return {
    id: embedder.id,
    async embed(texts, signal) {
      const hashes = texts.map((text) => createHash('sha256').update(text).digest('hex'));
      const known = await cache.get(embedder.id, [...new Set(hashes)]);
      const missing = [...new Set(hashes.filter((hash) => !known.has(hash)))];
      if (missing.length > 0) {
        const textOf = new Map(hashes.map((hash, index) => [hash, texts[index] ?? '']));
        const fresh = await embedder.embed(
          missing.map((hash) => textOf.get(hash) ?? ''),
          signal,
        );
        const entries = missing.map((textHash, index) => ({
          textHash,
          vector: fresh[index] ?? new Float32Array(0),
        }));
        await cache.put(embedder.id, entries);
        for (const { textHash, vector } of entries) known.set(textHash, vector);
      }
      return hashes.map((hash) => known.get(hash) ?? new Float32Array(0));
    },
  };
}
