import type { Budget } from './budget.ts';
import type { Handoff } from './handoff.ts';
import type { RoutingDecision } from './routing-decision.ts';

/** Who asked: the owner, another agent (delegation), a schedule, or an API client. */
export type Requester =
  | { readonly kind: 'owner' }
  | { readonly kind: 'agent'; readonly agent: string; readonly runId: string }
  | { readonly kind: 'schedule'; readonly scheduleId: string }
  | { readonly kind: 'pipeline'; readonly pipelineRunId: string; readonly step: string }
  | { readonly kind: 'api'; readonly client: string };

export interface TaskConstraints {
  /** Route to this agent; skips the router. */
  readonly agent?: string;
  readonly budget?: Partial<Budget>;
  /** JSON Schema the outcome's output must satisfy. */
  readonly outputContract?: Record<string, unknown>;
}

/** A unit of work as given to Nova, before routing. */
export interface Task {
  readonly id: string;
  readonly text: string;
  readonly projectId?: string;
  readonly requester: Requester;
  readonly constraints: TaskConstraints;
  readonly parentTaskId?: string;
  /** Same key, same task: lets a client retry a create without starting a second run. */
  readonly idempotencyKey?: string;
  readonly createdAt: string;
  /** How the agent was chosen, when the router chose it. */
  readonly routing?: RoutingDecision;
  /** Untrusted sources behind the task itself (a tainted parent run or upstream pipeline step). */
  readonly taint?: readonly string[];
  /** The envelope this task arrived in when another agent delegated it. */
  readonly handoff?: Handoff;
  /** The run this task follows up in a conversation: its turns become context. */
  readonly followsRunId?: string;
}
