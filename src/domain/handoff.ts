import type { Assumption } from './outcome.ts';

/**
 * The envelope one agent hands another when it delegates: the task as given, the context
 * items passed on (by id), what the sender assumed, and what shape it expects back.
 */
export interface Handoff {
  readonly id: string;
  readonly fromRunId: string;
  readonly fromAgent: string;
  readonly toAgent: string;
  readonly task: string;
  readonly contextItemIds: readonly string[];
  readonly assumptions: readonly Assumption[];
  readonly outputContract?: Record<string, unknown>;
}
