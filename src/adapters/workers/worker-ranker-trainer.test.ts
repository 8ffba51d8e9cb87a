import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RankerCache } from '../../routing/offline-ranker.ts';
import { createRouter, routerCacheKey } from '../../routing/router.ts';
import { testRoster } from '../../routing/test-roster.ts';
import { createFileRankerCache } from '../fs/file-ranker-cache.ts';
import { createWorkerRankerTrainer } from './worker-ranker-trainer.ts';

const options = { agents: testRoster, wordVectors: false, outOfScope: false } as const;
const requests = [
  'translate the contract into French',
  'remind me at 9 to call Anna',
  'reconcile the bank account',
];
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

describe('the worker-thread ranker trainer', () => {
  it('trains away from this thread; the router built from its result restores instead of training and routes alike', async () => {
    const told: number[] = [];
    const trainer = createWorkerRankerTrainer({ onTrain: (agents) => told.push(agents) });
    let ticks = 0;
    const ticking = setInterval(() => (ticks += 1), 1);
    const trained = await trainer.train(options);
    clearInterval(ticking);
    expect(ticks).toBeGreaterThan(0); // this thread ran timers while the worker trained
    expect(told).toEqual([testRoster.length]);
    expect(trained?.key).toMatch(/^[0-9a-f]{64}$/);

    const seeded: RankerCache = {
      get: (key) => (key === trained?.key ? trained.bytes : undefined),
      set: () => undefined,
    };
    let trainedHere = false;
    const restored = createRouter({ ...options, cache: seeded, onTrain: () => (trainedHere = true) });
    expect(trainedHere).toBe(false);
    const local = createRouter(options);
    for (const text of requests) expect(restored.route({ text })).toEqual(local.route({ text }));
  });

  it('resolves the shipped word vectors and out-of-scope examples as this thread does (the same cache key)', async () => {
    const trainer = createWorkerRankerTrainer({});
    const trained = await trainer.train({ agents: testRoster });
    let trainedHere = false;
    createRouter({
      agents: testRoster,
      cache: { get: (key) => (key === trained?.key ? trained.bytes : undefined), set: () => undefined },
      onTrain: () => (trainedHere = true),
    });
    expect(trainedHere).toBe(false);
  });

  it('passes the second look setting on, so a router without it restores what the worker trained', async () => {
    const trainer = createWorkerRankerTrainer({});
    const trained = await trainer.train({ ...options, secondLook: false });
    expect(trained?.key).toBe(routerCacheKey({ ...options, secondLook: false }));
    expect(trained?.key).not.toBe(routerCacheKey(options));
    let trainedHere = false;
    createRouter({
      ...options,
      secondLook: false,
      cache: { get: (key) => (key === trained?.key ? trained.bytes : undefined), set: () => undefined },
      onTrain: () => (trainedHere = true),
    });
    expect(trainedHere).toBe(false);
  });

  it('writes the trained ranker to the cache folder, so another process restores it, and trains nothing when it is there', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-trainer-'));
    folders.push(folder);
    const trainer = createWorkerRankerTrainer({ cacheDirectory: folder });
    const trained = await trainer.train(options);
    expect(fs.readdirSync(folder)).toEqual([`${trained?.key}.ranker`]);
    expect(createFileRankerCache(folder).has?.(trained?.key ?? '')).toBe(true);
    expect(await trainer.train(options)).toBeUndefined(); // restored in the worker, nothing new
  });

  it('refuses word vectors it cannot send, passes on what failed in the worker, and stops a training when told or on close', async () => {
    const trainer = createWorkerRankerTrainer({});
    await expect(
      trainer.train({ ...options, wordVectors: { dimensions: 2, vector: () => undefined } }),
    ).rejects.toThrow(/word vectors that were not loaded from a file cannot be trained in a worker/);
    const missing = { file: '/nonexistent/vectors.bin', dimensions: 2, vector: () => undefined };
    await expect(trainer.train({ ...options, wordVectors: missing })).rejects.toThrow(
      /cannot read word vectors at \/nonexistent\/vectors\.bin/,
    );
    const stop = new AbortController();
    const changed = trainer.train(options, { signal: stop.signal });
    stop.abort(new Error('the agents changed'));
    await expect(changed).rejects.toThrow('router training stopped: the agents changed');
    const running = trainer.train(options);
    await trainer.close();
    await expect(running).rejects.toThrow('router training stopped: Nova is shutting down');
  });
});
