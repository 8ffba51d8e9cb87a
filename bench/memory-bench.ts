/**
 * Memory: index throughput (files/s), and retrieval p50/p99 at 10k and 100k items, full-text only
 * and hybrid (deterministic hash embeddings), next to a brute-force exact search in the same run
 * (every item scored by BM25 rank and exact cosine, fused the same way), with the hybrid's
 * recall@10 against it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashEmbedder } from '../src/adapters/models/embedders.ts';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteMemoryStore } from '../src/adapters/sqlite/sqlite-memory-store.ts';
import { systemClock } from '../src/adapters/system/system-clock.ts';
import { TimeOrderedIdGenerator } from '../src/adapters/system/time-ordered-id-generator.ts';
import { MemoryService } from '../src/app/memory-service.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import type { MemoryItem } from '../src/ports/memory-store.ts';

const dims = 64;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function vocabulary(random: () => number, size: number): string[] {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ru',
    'ta',
    'vi',
    'so',
    'pe',
    'da',
    'gu',
    'ho',
    'ri',
    'za',
    'be',
  ];
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(random() * 3);
    let word = '';
    for (let index = 0; index < length; index += 1)
      word += syllables[Math.floor(random() * syllables.length)];
    words.add(word);
  }
  return [...words];
}

/** Zipf-like choice: common words are common. */
function pick(words: readonly string[], random: () => number): string {
  return words[Math.floor(words.length * random() ** 2.2)] ?? words[0]!;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index += 1) dot += a[index]! * b[index]!;
  return dot; // hash embeddings are unit length
}

async function indexThroughput(directory: string): Promise<Record<string, number>> {
  const root = path.join(directory, 'project');
  const random = seededRandom(7);
  const words = vocabulary(random, 3_000);
  const files = 1_000;
  for (let index = 0; index < files; index += 1) {
    const folder = path.join(root, `area-${index % 20}`);
    fs.mkdirSync(folder, { recursive: true });
    const lines = Array.from({ length: 30 + (index % 50) }, () =>
      Array.from({ length: 10 }, () => pick(words, random)).join(' '),
    );
    fs.writeFileSync(path.join(folder, `note-${index}.md`), lines.join('\n'));
  }
  const database = openSqliteDatabase(path.join(directory, 'index.db'));
  const store = new SqliteMemoryStore(database);
  const service = new MemoryService({
    store,
    files: store,
    clock: systemClock,
    ids: new TimeOrderedIdGenerator(),
  });
  const project = { id: 'bench', name: 'bench', root, docs: [], tags: [] };
  let started = performance.now();
  const first = await service.indexProject(project);
  const firstMs = performance.now() - started;
  started = performance.now();
  await service.indexProject(project);
  const secondMs = performance.now() - started;
  database.close();
  return {
    indexFiles: first.files,
    indexFilesPerSecond: first.files / (firstMs / 1000),
    reindexUnchangedFilesPerSecond: first.files / (secondMs / 1000),
  };
}

async function retrieval(directory: string, count: number): Promise<Record<string, number>> {
  const random = seededRandom(count);
  const words = vocabulary(random, 5_000);
  const database = openSqliteDatabase(path.join(directory, `memory-${count}.db`));
  const store = new SqliteMemoryStore(database);
  const embedder = hashEmbedder(dims);
  const ids = new TimeOrderedIdGenerator();
  const now = new Date().toISOString();
  const texts = Array.from({ length: count }, () =>
    Array.from({ length: 12 }, () => pick(words, random)).join(' '),
  );
  const vectors = await embedder.embed(texts);
  const items: MemoryItem[] = texts.map((text, index) => ({
    id: ids.next('mem'),
    scope: 'global',
    kind: 'fact',
    text,
    tags: [],
    confidence: 0.8,
    provenance: {
      sourceUri: 'bench://',
      observedAt: now,
      contentHash: `h${index}`,
      trust: 'trusted',
      author: 'bench',
    },
    validFrom: now,
  }));
  database.exec('BEGIN');
  for (const [index, item] of items.entries()) {
    await store.put(item);
    await store.setEmbedding(item.id, embedder.id, vectors[index]!);
  }
  database.exec('COMMIT');
  const clock = { now: () => Date.parse(now), sleep: () => Promise.resolve() };
  const textOnly = new MemoryService({ store, files: store, clock, ids });
  const hybrid = new MemoryService({ store, files: store, embedder, clock, ids });
  const queries = Array.from({ length: 40 }, () =>
    Array.from({ length: 3 }, () => pick(words, random)).join(' '),
  );
  const query = { scopes: ['global'], limit: 10 };
  // Warm up both paths.
  await textOnly.search(queries[0]!, query);
  await hybrid.search(queries[0]!, query);
  const ftsTimes: number[] = [];
  const hybridTimes: number[] = [];
  const exactTimes: number[] = [];
  let recallSum = 0;
  for (const text of queries) {
    let started = performance.now();
    await textOnly.search(text, query);
    ftsTimes.push(performance.now() - started);
    started = performance.now();
    const fast = await hybrid.search(text, query);
    hybridTimes.push(performance.now() - started);
    // Brute force: every item ranked by BM25 (all matches) and by exact cosine, fused the same way.
    started = performance.now();
    const [queryVector] = await embedder.embed([text]);
    const textRanking = await store.searchText(text, { scopes: ['global'], limit: count });
    const vectorRanking = items
      .map((item, index) => ({ id: item.id, similarity: cosine(queryVector!, vectors[index]!) }))
      .sort((a, b) => b.similarity - a.similarity);
    const scores = new Map<string, number>();
    textRanking.forEach((item, rank) =>
      scores.set(item.id, (scores.get(item.id) ?? 0) + 1 / (60 + rank + 1)),
    );
    vectorRanking.forEach((entry, rank) =>
      scores.set(entry.id, (scores.get(entry.id) ?? 0) + 1 / (60 + rank + 1)),
    );
    const exact = [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([id]) => id);
    exactTimes.push(performance.now() - started);
    const fastIds = new Set(fast.map((hit) => hit.item.id));
    recallSum += exact.filter((id) => fastIds.has(id)).length / exact.length;
  }
  database.close();
  return {
    [`fullTextP50Ms_${count}`]: percentile(ftsTimes, 50),
    [`fullTextP99Ms_${count}`]: percentile(ftsTimes, 99),
    [`hybridP50Ms_${count}`]: percentile(hybridTimes, 50),
    [`hybridP99Ms_${count}`]: percentile(hybridTimes, 99),
    [`bruteForceP50Ms_${count}`]: percentile(exactTimes, 50),
    [`hybridRecallAt10_${count}`]: recallSum / queries.length,
  };
}

export async function runMemoryBench(): Promise<Record<string, number>> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-memory-bench-'));
  try {
    return {
      ...(await indexThroughput(directory)),
      ...(await retrieval(directory, 10_000)),
      ...(await retrieval(directory, 100_000)),
    };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
