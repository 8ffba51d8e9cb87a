import type { PipelineDefinition, PipelineStepKind } from '../pipelines/pipeline-definition.ts';

export const pipelineRunStatuses = [
  'running',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type PipelineRunStatus = (typeof pipelineRunStatuses)[number];

/** One execution of a pipeline. The definition is stored with it, so a resume runs what started. */
export interface PipelineRun {
  readonly id: string;
  readonly pipeline: string;
  readonly definition: PipelineDefinition;
  /** sha256 of the definition, to tell a resume or fork that the file changed since. */
  readonly definitionHash: string;
  readonly input: unknown;
  readonly status: PipelineRunStatus;
  /** The process executing it (`host:pid:instance`); see ports/run-journal.ts. */
  readonly owner: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  /** Set on a fork: the run it came from and the first step it re-ran. */
  readonly forkOf?: { readonly runId: string; readonly fromStep: string };
}

export type PipelineStepStatus = 'started' | 'succeeded' | 'failed' | 'skipped' | 'waiting';

/**
 * The durable record of one step (or one element of a map step: key `each[3]`). Written when
 * the step starts and again when it ends; a step recorded `succeeded` or `skipped` never runs again.
 */
export interface PipelineStepRecord {
  readonly runId: string;
  /** The step id, or `<id>[<index>]` for an element of a map step. */
  readonly key: string;
  readonly stepId: string;
  readonly kind: PipelineStepKind;
  readonly status: PipelineStepStatus;
  /** 1 for the first attempt; retries and resumes add one. */
  readonly attempt: number;
  /** What the step was given after references were filled in. */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  /** Agent runs this step started, oldest first (a resumed step lists the interrupted one too). */
  readonly agentRunIds: readonly string[];
  /** For approval steps: the approval request waited on. */
  readonly approvalId?: string;
  /** Set on a fork for steps copied from the original run. */
  readonly reusedFrom?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
}

export interface PipelineRunUpdate {
  readonly status: PipelineRunStatus;
  readonly endedAt?: string;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Pipeline runs and their steps.
 *
 * Contract (`pipeline-store.contract.ts`): writes are durable when the promise resolves;
 * `putStep` replaces the record with the same (runId, key); steps come back in the order they
 * were first written; `claim` is atomic, so two processes never resume the same run.
 */
export interface PipelineStore {
  createRun(run: PipelineRun): Promise<void>;
  updateRun(runId: string, update: PipelineRunUpdate): Promise<void>;
  getRun(runId: string): Promise<PipelineRun | undefined>;
  listRuns(filter?: { readonly limit?: number; readonly status?: PipelineRunStatus }): Promise<PipelineRun[]>;
  /**
   * Takes over a run that is not running (interrupted, waiting, failed) for `owner`, setting it
   * running; false when it is running elsewhere or finished successfully.
   */
  claim(runId: string, owner: string): Promise<boolean>;
  /** Marks `running` runs whose owner is dead as interrupted; returns their ids. */
  markInterrupted(isOwnerAlive: (owner: string) => boolean, at: string): Promise<string[]>;
  putStep(step: PipelineStepRecord): Promise<void>;
  listSteps(runId: string): Promise<PipelineStepRecord[]>;
}
