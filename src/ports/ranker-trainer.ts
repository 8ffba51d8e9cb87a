import type { AgentProfile } from '../routing/agent-profile.ts';
import type { WordVectors } from '../routing/offline-ranker.ts';

/** A trained ranker as the ranker cache stores it: its bytes under the key training derived. */
export interface TrainedRanker {
  readonly key: string;
  readonly bytes: Uint8Array;
}

/** What the router is built from: the same options `createRouter` takes for its ranker. */
export interface RankerTrainingInput {
  readonly agents: readonly AgentProfile[];
  /** The shipped vectors when absent, `false` for none. */
  readonly wordVectors?: WordVectors | false;
  /** The shipped out-of-scope examples when absent, `false` for none. */
  readonly outOfScope?: readonly string[] | false;
  /** The ranker's second look at unsure rankings (default true). */
  readonly secondLook?: boolean;
}

/**
 * Trains the offline ranker away from the caller's thread, so a server keeps answering during
 * the seconds training takes (see `createWorkerRankerTrainer`).
 */
export interface RankerTrainer {
  /**
   * Resolves with the trained ranker, or undefined when there was nothing to train (it was
   * cached). Rejects when training failed or these options cannot be trained elsewhere, and
   * with a CANCELLED NovaError when `signal` stopped it (its message says the abort's reason).
   */
  train(input: RankerTrainingInput, options?: { signal?: AbortSignal }): Promise<TrainedRanker | undefined>;
  /** Stops any training still running (its callers' promises reject). */
  close(): Promise<void>;
}
