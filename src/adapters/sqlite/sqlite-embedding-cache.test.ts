import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddingCacheContract } from '../../ports/embedding-cache.contract.ts';
import { cachedEmbedder, createMemoryEmbeddingCache } from '../models/cached-embedder.ts';
import { hashEmbedder } from '../models/embedders.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteEmbeddingCache } from './sqlite-embedding-cache.ts';

embeddingCacheContract('in memory', () => createMemoryEmbeddingCache());
embeddingCacheContract('SQLite', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-embedding-cache-'));
  return new SqliteEmbeddingCache(openSqliteDatabase(path.join(directory, 'nova.db')));
});

describe('cachedEmbedder', () => {
  it('sends each distinct new text to the model once, in one call, and answers repeats from the cache', async () => {
    const calls: string[][] = [];
    const inner = hashEmbedder(16);
    const counting = {
      id: inner.id,
      embed: (texts: readonly string[]) => {
        calls.push([...texts]);
        return inner.embed(texts);
      },
    };
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-embedding-cache-'));
    const database = openSqliteDatabase(path.join(directory, 'nova.db'));
    const embedder = cachedEmbedder(counting, new SqliteEmbeddingCache(database));
    const first = await embedder.embed(['alpha', 'beta', 'alpha']);
    expect(calls).toEqual([['alpha', 'beta']]);
    const second = await embedder.embed(['beta', 'gamma', 'alpha']);
    expect(calls).toEqual([['alpha', 'beta'], ['gamma']]);
    expect(Array.from(second[0] ?? [])).toEqual(Array.from(first[1] ?? []));
    expect(Array.from(second[2] ?? [])).toEqual(Array.from(first[0] ?? []));
    // Another process (a new cache over the same database) asks the model nothing.
    await cachedEmbedder(counting, new SqliteEmbeddingCache(database)).embed(['gamma', 'alpha']);
    expect(calls).toHaveLength(2);
  });
});
