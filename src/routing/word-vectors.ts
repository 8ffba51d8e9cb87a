import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../domain/nova-error.ts';
import type { WordVectors } from './offline-ranker.ts';

/**
 * Pretrained word vectors in Nova's compact file format, quantised to one signed byte per
 * dimension with a scale per word:
 *
 *   8 bytes  magic "NOVAWV1\n"
 *   uint32   word count (little-endian)
 *   uint32   dimensions
 *   uint32   byte length of the word list
 *   bytes    the words, UTF-8, joined by "\n", in row order; then zero padding to 4 bytes
 *   float32  one scale per word
 *   int8     count × dimensions values; a word's vector is its row times its scale
 *
 * `scripts/build-word-vectors.ts` writes it; `data/word-vectors/` holds the shipped file.
 */
export const wordVectorsMagic = 'NOVAWV1\n';

/** The word vectors shipped with Nova (GloVe, 50,000 most frequent words, 100 dimensions). */
export const defaultWordVectorsFile = path.resolve(
  import.meta.dirname,
  '../../data/word-vectors/glove-50k-100d.bin',
);

export interface WordVectorsFile extends WordVectors {
  readonly file: string;
  readonly words: number;
}

export function encodeWordVectors(
  words: readonly string[],
  vectors: readonly ArrayLike<number>[],
  dimensions: number,
): Buffer {
  const wordBytes = Buffer.from(words.join('\n'), 'utf8');
  const padding = (4 - (wordBytes.length % 4)) % 4;
  const header = Buffer.alloc(20);
  header.write(wordVectorsMagic, 0, 'latin1');
  header.writeUInt32LE(words.length, 8);
  header.writeUInt32LE(dimensions, 12);
  header.writeUInt32LE(wordBytes.length, 16);
  const scales = new Float32Array(words.length);
  const values = new Int8Array(words.length * dimensions);
  vectors.forEach((vector, row) => {
    let largest = 0;
    for (let dimension = 0; dimension < dimensions; dimension++)
      largest = Math.max(largest, Math.abs(vector[dimension] ?? 0));
    const scale = largest / 127 || 1;
    scales[row] = scale;
    for (let dimension = 0; dimension < dimensions; dimension++)
      values[row * dimensions + dimension] = Math.round((vector[dimension] ?? 0) / scale);
  });
  return Buffer.concat([
    header,
    wordBytes,
    Buffer.alloc(padding),
    Buffer.from(scales.buffer),
    Buffer.from(values.buffer),
  ]);
}

export function decodeWordVectors(bytes: Uint8Array, file = '<memory>'): WordVectorsFile {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const invalid = (why: string) =>
    new NovaError(
      'CONFIG_INVALID',
      `${file}: not a Nova word-vector file (${why}); rebuild it with scripts/build-word-vectors.ts`,
    );
  if (buffer.length < 20 || buffer.toString('latin1', 0, 8) !== wordVectorsMagic)
    throw invalid('wrong magic bytes');
  const count = buffer.readUInt32LE(8);
  const dimensions = buffer.readUInt32LE(12);
  const wordBytes = buffer.readUInt32LE(16);
  const wordsEnd = 20 + wordBytes;
  const scalesStart = wordsEnd + ((4 - (wordBytes % 4)) % 4);
  const valuesStart = scalesStart + count * 4;
  if (dimensions === 0 || buffer.length !== valuesStart + count * dimensions)
    throw invalid(`size ${buffer.length} does not match ${count} words × ${dimensions} dimensions`);
  const words = count === 0 ? [] : buffer.toString('utf8', 20, wordsEnd).split('\n');
  if (words.length !== count) throw invalid(`${words.length} words listed, header says ${count}`);
  // Copies keep the typed arrays aligned whatever the buffer's offset.
  const scales = new Float32Array(
    buffer.buffer.slice(buffer.byteOffset + scalesStart, buffer.byteOffset + valuesStart),
  );
  const values = new Int8Array(
    buffer.buffer.slice(buffer.byteOffset + valuesStart, buffer.byteOffset + buffer.length),
  );
  const rows = new Map<string, number>();
  words.forEach((word, row) => rows.set(word, row));
  // Decoded once per word and kept: routing looks the same few thousand words up again and again.
  const decoded: Array<Float32Array | undefined> = [];
  return {
    id: createHash('sha256').update(buffer).digest('hex').slice(0, 32),
    file,
    words: count,
    dimensions,
    vector(word) {
      const row = rows.get(word);
      if (row === undefined) return undefined;
      const cached = decoded[row];
      if (cached) return cached;
      const scale = scales[row] ?? 0;
      const vector = new Float32Array(dimensions);
      const offset = row * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++)
        vector[dimension] = (values[offset + dimension] ?? 0) * scale;
      decoded[row] = vector;
      return vector;
    },
  };
}

const loaded = new Map<string, WordVectorsFile>();

/** Reads a word-vector file once per process; later calls return the same lookup. */
export function loadWordVectors(file = defaultWordVectorsFile): WordVectorsFile {
  const resolved = path.resolve(file);
  const cached = loaded.get(resolved);
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(resolved);
  } catch (error) {
    throw new NovaError(
      'CONFIG_INVALID',
      `cannot read word vectors at ${resolved}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const vectors = decodeWordVectors(bytes, resolved);
  loaded.set(resolved, vectors);
  return vectors;
}
