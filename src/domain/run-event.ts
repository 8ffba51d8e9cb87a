import type { Outcome } from './outcome.ts';
import type { RunStatus } from './run.ts';
import type { Step } from './step.ts';

/** Live events of a run, in order; streamed over SSE and printed by the CLI. Names are noun-verb. */
export type RunEvent =
  | { readonly type: 'run-start'; readonly runId: string; readonly agent: string; readonly model: string }
  | { readonly type: 'text-delta'; readonly runId: string; readonly delta: string }
  | { readonly type: 'step-start'; readonly runId: string; readonly step: Step }
  | { readonly type: 'step-end'; readonly runId: string; readonly step: Step }
  | {
      readonly type: 'run-end';
      readonly runId: string;
      readonly status: RunStatus;
      readonly outcome?: Outcome;
      readonly error?: { readonly code: string; readonly message: string };
    };
