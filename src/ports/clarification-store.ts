import type { RoutingCandidate } from '../domain/routing-decision.ts';

/** A task Nova did not route because it was unsure: the question it asked, waiting for an answer. */
export interface PendingClarification {
  readonly id: string;
  readonly text: string;
  readonly projectId?: string;
  readonly question: string;
  readonly candidates: readonly RoutingCandidate[];
  readonly createdAt: string;
  /** Set once answered: the agent chosen and the run that took the task. */
  readonly answer?: { readonly agent: string; readonly runId: string; readonly at: string };
}

/** Contract: `answer` records an answer once; a second answer returns false. */
export interface ClarificationStore {
  create(clarification: PendingClarification): Promise<void>;
  get(id: string): Promise<PendingClarification | undefined>;
  answer(id: string, answer: NonNullable<PendingClarification['answer']>): Promise<boolean>;
  /** Names the run that took the answered task (known only once it started). */
  attachRun(id: string, runId: string): Promise<void>;
}
