import type { Outcome } from '../domain/outcome.ts';
import type { Run, RunError, RunStatus } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import type { TokenUsage } from '../domain/usage.ts';

export interface RunFilter {
  readonly limit?: number;
  readonly status?: RunStatus;
  readonly agent?: string;
  readonly parentRunId?: string;
}

export interface RunCompletion {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly endedAt: string;
  readonly usage: TokenUsage;
  readonly outcome?: Outcome;
  readonly error?: RunError;
}

export interface StepCompletion {
  readonly status: 'succeeded' | 'failed';
  readonly endedAt: string;
  readonly durationMs: number;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  readonly usage?: TokenUsage;
  readonly taint?: readonly string[];
}

/**
 * The durable record of runs and their steps.
 *
 * Contract (every adapter passes `run-journal.contract.ts`):
 * - Writes are durable when the promise resolves.
 * - Cost per write does not grow with the number of steps in the run: steps are appended,
 *   the run row is never rewritten wholesale while steps are added.
 * - `startStep` with a (runId, seq) that exists fails with CONFLICT; `finishStep` of an
 *   unknown step fails with NOT_FOUND. Steps come back ordered by `seq`.
 * - `getRun` of an unknown id returns undefined; lists are newest first.
 * - Errors from the driver surface as NovaError STORAGE_ERROR.
 */
export interface RunJournal {
  createRun(run: Run): Promise<void>;
  completeRun(runId: string, completion: RunCompletion): Promise<void>;
  getRun(runId: string): Promise<Run | undefined>;
  listRuns(filter?: RunFilter): Promise<Run[]>;

  startStep(step: Step): Promise<void>;
  finishStep(runId: string, seq: number, completion: StepCompletion): Promise<void>;
  listSteps(runId: string): Promise<Step[]>;

  /**
   * Marks every `running` run whose owner is not alive as `interrupted` and returns their ids.
   * Runs owned by live processes are left alone.
   */
  markInterrupted(isOwnerAlive: (owner: string) => boolean, at: string): Promise<string[]>;

  /**
   * The newest run with this fingerprint that succeeded, started at or after `notBefore`, and was
   * itself executed (not reused); undefined when there is none.
   */
  findReusable(fingerprint: string, notBefore: string): Promise<Run | undefined>;

  close(): Promise<void>;
}
