/** The router's answer for one task: an agent, or a question when it is not sure. */
export interface RoutingCandidate {
  readonly agent: string;
  readonly confidence: number;
}

export interface RoutingDecision {
  readonly kind: 'decision';
  readonly agent: string;
  /** Calibrated probability that `agent` is right, 0..1. */
  readonly confidence: number;
  readonly alternatives: readonly RoutingCandidate[];
  /** Human-readable reasons, e.g. "explicit --agent", "rule: project=acme". */
  readonly reasons: readonly string[];
  /** Which strategy decided (explicit, rule, ranker, embedding, model). */
  readonly strategy: string;
}

export interface Clarification {
  readonly kind: 'clarification';
  readonly question: string;
  readonly candidates: readonly RoutingCandidate[];
  readonly reasons: readonly string[];
}

export type RoutingResult = RoutingDecision | Clarification;

/**
 * A confidence for people, with two decimals, rounded down: 0.998 shows as 0.99, never as a
 * certain-looking 1.00, and a confidence below a threshold never prints above it.
 */
export function formatConfidence(confidence: number): string {
  return (Math.floor(confidence * 100 + 1e-9) / 100).toFixed(2);
}
