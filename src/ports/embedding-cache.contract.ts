import { describe, expect, it } from 'vitest';
import type { EmbeddingCache } from './embedding-cache.ts';

/** The behaviour every EmbeddingCache adapter must have. */
export function embeddingCacheContract(name: string, create: () => EmbeddingCache | Promise<EmbeddingCache>) {
  describe(`EmbeddingCache contract: ${name}`, () => {
    it('returns exactly the vectors stored for a model, bit for bit, and nothing for other models', async () => {
      const cache = await create();
      const vector = Float32Array.from([0.1, -0.2, 3.5e-8, 1]);
      await cache.put('model-a', [
        { textHash: 'h1', vector },
        { textHash: 'h2', vector: Float32Array.from([2]) },
      ]);
      const found = await cache.get('model-a', ['h1', 'h3', 'h2']);
      expect([...found.keys()].sort()).toEqual(['h1', 'h2']);
      expect(Array.from(found.get('h1') ?? [])).toEqual(Array.from(vector));
      expect((await cache.get('model-b', ['h1'])).size).toBe(0);
      expect((await cache.get('model-a', [])).size).toBe(0);
    });

    it('replaces a vector stored again under the same model and hash', async () => {
      const cache = await create();
      await cache.put('m', [{ textHash: 'h', vector: Float32Array.from([1, 2]) }]);
      await cache.put('m', [{ textHash: 'h', vector: Float32Array.from([3, 4]) }]);
      expect(Array.from((await cache.get('m', ['h'])).get('h') ?? [])).toEqual([3, 4]);
    });

    it('answers for many hashes at once', async () => {
      const cache = await create();
      const entries = Array.from({ length: 1_200 }, (_, index) => ({
        textHash: `h${index}`,
        vector: Float32Array.from([index]),
      }));
      await cache.put('m', entries);
      const found = await cache.get(
        'm',
        entries.map((entry) => entry.textHash),
      );
      expect(found.size).toBe(1_200);
      expect(found.get('h1199')?.[0]).toBe(1199);
    });
  });
}
