import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import { decodeWordVectors, encodeWordVectors, loadWordVectors } from './word-vectors.ts';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let left = 0;
  let right = 0;
  for (let index = 0; index < a.length; index++) {
    dot += (a[index] ?? 0) * (b[index] ?? 0);
    left += (a[index] ?? 0) ** 2;
    right += (b[index] ?? 0) ** 2;
  }
  return dot / Math.sqrt(left * right);
}

describe('word vectors', () => {
  it('round-trip through the file format within a quantisation step per dimension', () => {
    const vectors = [
      [0.5, -0.25, 0.125],
      [-3, 2, 0],
      [0, 0, 0],
    ];
    const decoded = decodeWordVectors(encodeWordVectors(['invoice', 'ledger', 'zero'], vectors, 3));
    expect(decoded.words).toBe(3);
    expect(decoded.dimensions).toBe(3);
    vectors.forEach((vector, row) => {
      const word = ['invoice', 'ledger', 'zero'][row] ?? '';
      const largest = Math.max(...vector.map(Math.abs));
      const got = Array.from(decoded.vector(word) ?? []);
      got.forEach((value, dimension) =>
        expect(Math.abs(value - (vector[dimension] ?? 0))).toBeLessThanOrEqual(largest / 127 / 2 + 1e-6),
      );
    });
    expect(decoded.vector('unknown')).toBeUndefined();
  });

  it('refuse a file that is not in the format, naming the file and how to rebuild it', () => {
    const good = encodeWordVectors(['a', 'b'], [[1], [2]], 1);
    expect(() => decodeWordVectors(Buffer.from('hello world, not vectors'), 'x.bin')).toThrow(
      /x\.bin: not a Nova word-vector file \(wrong magic bytes\); rebuild it with scripts\/build-word-vectors\.ts/,
    );
    expect(() => decodeWordVectors(good.subarray(0, good.length - 1), 'cut.bin')).toThrow(
      /cut\.bin: .*size .* does not match 2 words × 1 dimensions/,
    );
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-vectors-'));
    const missing = path.join(directory, 'missing.bin');
    let error: unknown;
    try {
      loadWordVectors(missing);
    } catch (caught) {
      error = caught;
    }
    expect(NovaError.is(error) && error.code).toBe('CONFIG_INVALID');
    expect(String((error as Error).message)).toContain(`cannot read word vectors at ${missing}: ENOENT`);
  });

  it('ship 50,000 GloVe words in which related work words lie closer than unrelated ones', () => {
    const vectors = loadWordVectors();
    expect(vectors.words).toBe(50_000);
    expect(vectors.dimensions).toBe(100);
    expect(vectors.id).toMatch(/^[0-9a-f]{32}$/);
    const of = (word: string) => {
      const vector = vectors.vector(word);
      if (!vector) throw new Error(`no vector for ${word}`);
      return vector;
    };
    expect(cosine(of('invoice'), of('payment'))).toBeGreaterThan(cosine(of('invoice'), of('football')));
    expect(cosine(of('server'), of('deployment'))).toBeGreaterThan(cosine(of('server'), of('memories')));
    expect(cosine(of('translate'), of('language'))).toBeGreaterThan(cosine(of('translate'), of('warehouse')));
  });
});
