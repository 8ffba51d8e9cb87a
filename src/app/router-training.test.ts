import { describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../test/support/test-app.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { RankerTrainer, RankerTrainingInput, TrainedRanker } from '../ports/ranker-trainer.ts';
import type { RankerCache } from '../routing/offline-ranker.ts';
import { createRouter } from '../routing/router.ts';

const requests = ['translate this letter into German', 'hello, what can you do?'];

function memoryCache(): RankerCache & { readonly entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    has: (key) => entries.has(key),
  };
}

/** What a real trainer does, here and now: build the router from the same input and keep what it trained. */
function trainHere(input: RankerTrainingInput): TrainedRanker | undefined {
  let trained: TrainedRanker | undefined;
  createRouter({
    ...input,
    cache: { get: () => undefined, set: (key, bytes) => (trained = { key, bytes }) },
  });
  return trained;
}

/** A trainer whose trainings finish when the test says so; like the worker, it also fills `cache`. */
function heldTrainer(cache?: RankerCache) {
  const calls: RankerTrainingInput[] = [];
  const pending: Array<() => void> = [];
  const stopped: RankerTrainingInput[] = [];
  const trainer: RankerTrainer = {
    train(input, { signal } = {}) {
      calls.push(input);
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => {
          stopped.push(input);
          reject(new NovaError('CANCELLED', 'router training stopped: the agents changed'));
        });
        pending.push(() => {
          if (signal?.aborted) return;
          const trained = trainHere(input);
          if (trained) cache?.set(trained.key, trained.bytes);
          resolve(trained);
        });
      });
    },
    close: () => Promise.resolve(),
  };
  return { trainer, calls, stopped, finish: () => pending.splice(0).forEach((release) => release()) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('routing with a ranker trainer (the server trains away from its thread)', () => {
  it('has requests wait for one training, then routes with its ranker and trains nothing here', async () => {
    const { trainer, calls, finish } = heldTrainer();
    let trainedHere = 0;
    const cache = memoryCache();
    const { app } = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, cache, trainer, onTrain: () => (trainedHere += 1) },
    });
    const answers = requests.map((text) => app.routeAsync({ text }));
    let settled = false;
    void Promise.all(answers).then(() => (settled = true));
    await settle();
    expect(calls).toHaveLength(1);
    expect(settled).toBe(false); // routing waits for the ranker…
    finish();
    const routed = await Promise.all(answers);
    expect(trainedHere).toBe(0); // …and restores it rather than training it again here

    const plain = await createTestApp({ model: false, routing: { wordVectors: false, outOfScope: false } });
    for (const [index, text] of requests.entries())
      expect(routed[index]).toEqual(await plain.app.routeAsync({ text }));
  });

  it('does not call the trainer when the ranker is cached, and prepares ahead when asked', async () => {
    const cache = memoryCache();
    const first = heldTrainer(cache);
    const { app } = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, cache, trainer: first.trainer },
    });
    const prepared = app.prepareRouter();
    await settle();
    first.finish();
    await prepared;
    expect(first.calls).toHaveLength(1);
    expect(cache.entries.size).toBe(1);

    const second = heldTrainer(cache);
    const again = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, cache, trainer: second.trainer },
    });
    await again.app.prepareRouter();
    expect(second.calls).toHaveLength(0);
  });

  it('stops a training whose agents changed before it ended, and routes with the new agents', async () => {
    const { trainer, calls, stopped, finish } = heldTrainer();
    let trainedHere = 0;
    const agents = [testAgent('assistant'), testAgent('translator', { tools: [] })];
    const { app } = await createTestApp({
      model: false,
      agents,
      routing: { wordVectors: false, outOfScope: false, trainer, onTrain: () => (trainedHere += 1) },
    });
    const routed = app.routeAsync({ text: 'translate this letter into German' });
    let settled = false;
    void routed.then(() => (settled = true));
    await settle();
    agents.push(testAgent('interpreter'));
    await app.catalog.reload();
    const prepared = app.prepareRouter();
    await settle();
    expect(calls.map((input) => input.agents.length)).toEqual([2, 3]);
    expect(stopped.map((input) => input.agents.length)).toEqual([2]);
    expect(settled).toBe(false); // the waiting request now waits for the new agents' training
    finish();
    await prepared;
    expect(['decision', 'clarification']).toContain((await routed).kind);
    expect(trainedHere).toBe(0);
    expect(app.route({ text: '@interpreter hello' })).toMatchObject({ agent: 'interpreter' });
  });

  it('keeps a training going when a reload changed nothing it reads', async () => {
    const { trainer, calls, stopped, finish } = heldTrainer();
    const { app } = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, trainer },
    });
    const prepared = app.prepareRouter();
    await settle();
    await app.catalog.reload(); // an editor touching a file: a new catalog version, the same agents
    const again = app.prepareRouter();
    await settle();
    expect(calls).toHaveLength(1);
    expect(stopped).toHaveLength(0);
    finish();
    await Promise.all([prepared, again]);
  });

  it('lets a request stop waiting for the training (Ctrl-C) while the training goes on for others', async () => {
    const { trainer, stopped, finish } = heldTrainer();
    const { app } = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, trainer },
    });
    const stop = new AbortController();
    const impatient = app.routeAsync({ text: 'translate this letter into German', signal: stop.signal });
    const patient = app.routeAsync({ text: 'translate this letter into German' });
    await settle();
    stop.abort();
    await expect(impatient).rejects.toThrow('stopped while waiting for the router to be trained');
    expect(stopped).toHaveLength(0);
    finish();
    expect(['decision', 'clarification']).toContain((await patient).kind);
  });

  it('on shutdown stops the training and tells waiting requests, instead of training here', async () => {
    const { trainer, stopped } = heldTrainer();
    let trainedHere = 0;
    const { app } = await createTestApp({
      model: false,
      routing: { wordVectors: false, outOfScope: false, trainer, onTrain: () => (trainedHere += 1) },
    });
    const routed = app.routeAsync({ text: 'translate this letter into German' });
    await settle();
    await app.shutdown();
    await expect(routed).rejects.toThrow('Nova is shutting down; nothing was routed');
    expect(stopped).toHaveLength(1);
    expect(trainedHere).toBe(0);
  });

  it('reports a failed trainer and trains here instead, so routing still answers', async () => {
    const failures: unknown[] = [];
    let trainedHere = 0;
    const { app } = await createTestApp({
      model: false,
      routing: {
        wordVectors: false,
        outOfScope: false,
        trainer: { train: () => Promise.reject(new Error('worker crashed')), close: () => Promise.resolve() },
        onTrainerError: (error) => failures.push(error),
        onTrain: () => (trainedHere += 1),
      },
    });
    const routed = await app.routeAsync({ text: requests[0] ?? '' });
    expect(failures.map((error) => (error as Error).message)).toEqual(['worker crashed']);
    expect(trainedHere).toBe(1);
    expect(['decision', 'clarification']).toContain(routed.kind);
  });
});
