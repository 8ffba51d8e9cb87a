import type { TokenUsage } from './usage.ts';

export const stepKinds = ['model-call', 'tool-call', 'handoff'] as const;
export type StepKind = (typeof stepKinds)[number];

export type StepStatus = 'started' | 'succeeded' | 'failed';

/**
 * One journaled step of a run. Steps are numbered per run from 1 (`seq`); a step is written
 * when it starts and completed when it ends, so a crash leaves it visibly `started`.
 */
export interface Step {
  readonly runId: string;
  readonly seq: number;
  readonly kind: StepKind;
  /** Model id for model calls, tool name for tool calls, target agent for handoffs. */
  readonly name: string;
  readonly status: StepStatus;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  readonly usage?: TokenUsage;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  /** Untrusted sources this step brought into the run (a resumed or replayed run re-applies them). */
  readonly taint?: readonly string[];
}
