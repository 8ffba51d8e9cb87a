import type { Clarification, RoutingDecision } from '../domain/routing-decision.ts';

export interface RouteInput {
  readonly text: string;
  /** `--agent`: names the agent outright. */
  readonly agent?: string;
  readonly projectId?: string;
  readonly requester?: string;
}

/**
 * What one strategy says about a request: it decides, or it passes to the next strategy.
 * A strategy that passes may hand on a rewritten input (the text without an unknown `@name`)
 * and the question it would ask if nothing after it decides.
 */
export type StrategyOutcome =
  | { readonly kind: 'decided'; readonly decision: RoutingDecision }
  | {
      readonly kind: 'passed';
      /** Why it did not decide; they end up in the clarification's or a later decision's reasons. */
      readonly reasons: readonly string[];
      /** The input for the strategies after this one, when it changed. */
      readonly input?: RouteInput;
      /** The question to ask if no later strategy decides. A later one replaces an earlier one. */
      readonly clarification?: Clarification;
    };

export interface StrategyContext {
  /** Outcomes of the strategies before this one, in order (all of them passed). */
  readonly previous: readonly StrategyOutcome[];
}

/**
 * One link of the routing chain. The chain runs strategies in order and stops at the first that
 * decides. `route` may return a promise (an embedding or model tie-break strategy): such a chain
 * must be run with `Router.routeAsync`; `Router.route` refuses it rather than block.
 * A strategy throws only for a bad request (an unknown `--agent`), never to say "not me".
 */
export interface RoutingStrategy {
  readonly name: string;
  route(input: RouteInput, context: StrategyContext): StrategyOutcome | Promise<StrategyOutcome>;
}
