import type { ContextPack } from './context-item.ts';
import type { Outcome } from './outcome.ts';
import type { Task } from './task.ts';
import type { TokenUsage } from './usage.ts';

/**
 * `interrupted`: the process that owned the run died while it was running; nothing is lost,
 * the journal holds every step up to the crash. `waiting`: the run stopped at an action that
 * needs a person's approval (its error names the approval); approving resumes it.
 */
export const runStatuses = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'waiting'] as const;
export type RunStatus = (typeof runStatuses)[number];

export function isTerminal(status: RunStatus): boolean {
  return status !== 'running';
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  /** For a waiting run: the approval it waits for. */
  readonly approvalId?: string;
}

/** One execution of one agent on one task. Delegation creates child runs. */
export interface Run {
  readonly id: string;
  readonly task: Task;
  readonly agent: string;
  readonly model: string;
  readonly parentRunId?: string;
  readonly rootRunId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly outcome?: Outcome;
  readonly error?: RunError;
  readonly usage: TokenUsage;
  readonly context: ContextPack;
  /** The process that executes the run (`host:pid:instance`), used to detect interruption. */
  readonly owner: string;
  /** See domain/task-fingerprint.ts: equal fingerprints are equal work. */
  readonly fingerprint?: string;
  /** Set when this run's outcome was reused from an earlier equal run instead of executed. */
  readonly reusedFromRunId?: string;
}
