/**
 * Worker-thread entry that trains the offline ranker (see `createWorkerRankerTrainer`): builds the
 * router the main thread would build, from the same inputs, and posts back what training put in
 * the cache.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainedRanker } from '../../ports/ranker-trainer.ts';
import { loadWordVectors } from '../../routing/word-vectors.ts';
import { createRouter } from '../../routing/router.ts';
import { createFileRankerCache } from '../fs/file-ranker-cache.ts';
import type { RankerWorkerInput, RankerWorkerMessage } from './worker-ranker-trainer.ts';

const input = workerData as RankerWorkerInput;
const post = (message: RankerWorkerMessage): void => parentPort?.postMessage(message);
const files = input.cacheDirectory === undefined ? undefined : createFileRankerCache(input.cacheDirectory);
let trained: TrainedRanker | undefined;
createRouter({
  agents: input.agents,
  wordVectors: input.wordVectorsFile === null ? false : loadWordVectors(input.wordVectorsFile),
  ...(input.outOfScope === undefined ? {} : { outOfScope: input.outOfScope }),
  ...(input.secondLook === undefined ? {} : { secondLook: input.secondLook }),
  cache: {
    get: (key) => files?.get(key),
    set: (key, bytes) => {
      trained = { key, bytes };
      files?.set(key, bytes);
    },
  },
  onTrain: (agents) => post({ kind: 'training', agents }),
});
post({ kind: 'done', ...(trained ? { trained } : {}) });
