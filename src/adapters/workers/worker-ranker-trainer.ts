import { Worker } from 'node:worker_threads';
import { NovaError } from '../../domain/nova-error.ts';
import type { RankerTrainer, RankerTrainingInput, TrainedRanker } from '../../ports/ranker-trainer.ts';
import type { AgentProfile } from '../../routing/agent-profile.ts';

/** What the worker is given (structured-cloned): the router's inputs, word vectors by file. */
export interface RankerWorkerInput {
  readonly agents: readonly AgentProfile[];
  /** undefined: the shipped vectors; null: none. */
  readonly wordVectorsFile: string | null | undefined;
  readonly outOfScope: readonly string[] | false | undefined;
  readonly secondLook: boolean | undefined;
  /** Where the trained ranker is also written for other processes (the file cache's folder). */
  readonly cacheDirectory: string | undefined;
}

export type RankerWorkerMessage =
  | { readonly kind: 'training'; readonly agents: number }
  | { readonly kind: 'done'; readonly trained?: TrainedRanker };

/**
 * Trains the offline ranker in a worker thread. Training the default roster is seconds of CPU;
 * on the server's thread it would stall every other request for as long (measured: a request
 * for the agent list waited 13.5 s), so the server trains here and then builds its router
 * from the result, which takes a fraction of a second. Word vectors cross as their file, so
 * vectors loaded some other way cannot be trained here (the caller trains in-process).
 */
export function createWorkerRankerTrainer(options: {
  /** The file ranker cache's folder: the worker writes the trained ranker there too. */
  readonly cacheDirectory?: string;
  /** Told when the worker trains rather than restores (for a progress line). */
  readonly onTrain?: (agents: number) => void;
}): RankerTrainer {
  const running = new Set<Worker>();
  /** Workers stopped on purpose, with why: their callers hear it. */
  const stopped = new WeakMap<Worker, string>();
  return {
    train(
      input: RankerTrainingInput,
      { signal }: { signal?: AbortSignal } = {},
    ): Promise<TrainedRanker | undefined> {
      if (signal?.aborted)
        return Promise.reject(new NovaError('CANCELLED', `router training stopped: ${why(signal.reason)}`));
      const vectors = input.wordVectors;
      const file =
        vectors === undefined || vectors === false ? undefined : (vectors as { file?: unknown }).file;
      if (vectors !== undefined && vectors !== false && typeof file !== 'string')
        return Promise.reject(
          new NovaError(
            'INTERNAL',
            'word vectors that were not loaded from a file cannot be trained in a worker',
          ),
        );
      const workerData: RankerWorkerInput = {
        // What training reads, and nothing that might not clone.
        agents: input.agents.map((agent) => ({
          name: agent.name,
          description: agent.description,
          examples: [...agent.examples],
        })),
        wordVectorsFile: vectors === false ? null : (file as string | undefined),
        outOfScope: input.outOfScope,
        secondLook: input.secondLook,
        cacheDirectory: options.cacheDirectory,
      };
      return new Promise<TrainedRanker | undefined>((resolve, reject) => {
        const worker = new Worker(new URL('./ranker-training-worker.ts', import.meta.url), { workerData });
        running.add(worker);
        const abort = (): void => {
          stopped.set(worker, why(signal?.reason));
          void worker.terminate();
        };
        signal?.addEventListener('abort', abort, { once: true });
        let result: { trained: TrainedRanker | undefined } | undefined;
        worker.on('message', (message: RankerWorkerMessage) => {
          if (message.kind === 'training') options.onTrain?.(message.agents);
          else result = { trained: message.trained };
        });
        // A throw inside the worker (a bad file, a bug); `exit` follows and finds the promise settled.
        worker.once('error', (error: unknown) => {
          running.delete(worker);
          reject(
            error instanceof Error
              ? error
              : new NovaError('INTERNAL', `router training failed: ${String(error)}`),
          );
        });
        worker.once('exit', (code) => {
          running.delete(worker);
          signal?.removeEventListener('abort', abort);
          if (result) resolve(result.trained);
          else if (stopped.has(worker))
            reject(
              new NovaError('CANCELLED', `router training stopped: ${stopped.get(worker) ?? 'stopped'}`),
            );
          else
            reject(
              new NovaError(
                'INTERNAL',
                `the router training worker stopped (exit code ${code}) before it finished`,
              ),
            );
        });
      });
    },
    async close() {
      await Promise.all(
        [...running].map((worker) => {
          stopped.set(worker, 'Nova is shutting down');
          return worker.terminate();
        }),
      );
    },
  };
}

/** What an abort's reason says, for the message of the training it stopped. */
function why(reason: unknown): string {
  return reason instanceof Error ? reason.message : 'its caller stopped it';
}
