import { NovaError } from '../domain/nova-error.ts';
import type { Clarification, RoutingDecision, RoutingResult } from '../domain/routing-decision.ts';
import type { AgentProfile } from './agent-profile.ts';
import { createExplicitMentionStrategy } from './explicit-mention-strategy.ts';
import {
  isRankerCached,
  OfflineRanker,
  rankerCacheKey,
  type OfflineRankerOptions,
  type RankerCache,
  type WordVectors,
} from './offline-ranker.ts';
import { loadOutOfScopeExamples } from './out-of-scope-examples.ts';
import { loadWordVectors } from './word-vectors.ts';
import { createRankerStrategy, defaultThresholds, type RoutingThresholds } from './ranker-strategy.ts';
import type { RouteInput, RoutingStrategy, StrategyOutcome } from './routing-strategy.ts';
import { createRuleStrategy, type RoutingRule } from './rule-strategy.ts';

export { parseMention } from './explicit-mention-strategy.ts';
export { defaultThresholds, type RoutingThresholds } from './ranker-strategy.ts';
export type { RouteInput, RoutingStrategy, StrategyOutcome } from './routing-strategy.ts';
export type { RoutingRule } from './rule-strategy.ts';

export interface RouterOptions {
  readonly agents: ReadonlyArray<AgentProfile & { readonly title?: string }>;
  readonly rules?: readonly RoutingRule[];
  /** Shorthand for `thresholds.confidence`. */
  readonly threshold?: number;
  readonly thresholds?: Partial<RoutingThresholds>;
  readonly ranker?: OfflineRankerOptions;
  /**
   * Pretrained word vectors for the ranker: the shipped GloVe file when absent, `false` for none
   * (words then count only if the roster's own texts use them). `ranker.wordVectors` wins.
   */
  readonly wordVectors?: WordVectors | false;
  /**
   * Requests no agent should take, learnt as a background class: the shipped list
   * (data/routing/out-of-scope.txt) when absent, `false` for none. `ranker.outOfScope` wins.
   */
  readonly outOfScope?: readonly string[] | false;
  /**
   * Whether the ranker takes a second look at unsure rankings (example-reranker.ts; default
   * true). Off, bulk routing is ~1.5× as fast and the shipped set ~0.7 points less
   * accurate. `ranker.rerankCandidates` wins.
   */
  readonly secondLook?: boolean;
  /** Keeps the trained ranker between processes (see `createFileRankerCache`). */
  readonly cache?: RankerCache;
  /** Called when the ranker has to be trained (a cache miss): for a progress line. */
  readonly onTrain?: (agentCount: number) => void;
  /** Strategies run after the ranker when it passes (e.g. an embedding or model tie-break). */
  readonly extraStrategies?: readonly RoutingStrategy[];
}

export interface Router {
  /** Routes with the synchronous chain; throws INTERNAL if a strategy returns a promise. */
  route(input: RouteInput): RoutingResult;
  /** Routes with any chain, awaiting asynchronous strategies in order. */
  routeAsync(input: RouteInput): Promise<RoutingResult>;
  readonly agentNames: readonly string[];
  readonly strategies: readonly RoutingStrategy[];
}

/**
 * The routing chain: an explicit `--agent` or `@mention`, then the config's rules, then the
 * offline ranker, then any extra strategies. The first that decides wins; when all pass, the
 * last question one of them proposed is asked (a Clarification), with every strategy's reasons.
 * Building the router trains the ranker (seconds: ~15 s for the default roster on a 2-core
 * machine) unless `cache` holds it (~0.2 s to restore).
 */
export function createRouter(options: RouterOptions): Router {
  const agentNames = options.agents.map((agent) => agent.name);
  const thresholds: RoutingThresholds = {
    ...defaultThresholds,
    ...options.thresholds,
    ...(options.threshold === undefined ? {} : { confidence: options.threshold }),
  };
  const titles = new Map(options.agents.map((agent) => [agent.name, agent.title ?? agent.name]));
  const strategies: RoutingStrategy[] = [
    createExplicitMentionStrategy(agentNames),
    createRuleStrategy(options.rules ?? [], agentNames),
  ];
  if (options.agents.length > 0) {
    strategies.push(
      createRankerStrategy({
        ranker: new OfflineRanker(options.agents, rankerOptions(options)),
        thresholds,
        titles,
      }),
    );
  }
  strategies.push(...(options.extraStrategies ?? []));

  return {
    agentNames,
    strategies,
    route(input) {
      const previous: StrategyOutcome[] = [];
      let current = input;
      for (const strategy of strategies) {
        const outcome = strategy.route(current, { previous });
        if (outcome instanceof Promise) {
          // Keep an unobserved rejection from surfacing as an unhandled one.
          outcome.catch(() => undefined);
          throw new NovaError(
            'INTERNAL',
            `routing strategy "${strategy.name}" is asynchronous; call routeAsync`,
          );
        }
        if (outcome.kind === 'decided') return withEarlierReasons(outcome.decision, previous);
        previous.push(outcome);
        current = outcome.input ?? current;
      }
      return clarify(previous, options.agents.length);
    },
    async routeAsync(input) {
      const previous: StrategyOutcome[] = [];
      let current = input;
      for (const strategy of strategies) {
        const outcome = await strategy.route(current, { previous });
        if (outcome.kind === 'decided') return withEarlierReasons(outcome.decision, previous);
        previous.push(outcome);
        current = outcome.input ?? current;
      }
      return clarify(previous, options.agents.length);
    },
  };
}

/**
 * Whether building this router would train its ranker (seconds) rather than restore it from
 * `options.cache` (a fraction of a second): the moment to train it elsewhere first.
 */
export function routerNeedsTraining(options: RouterOptions): boolean {
  return options.agents.length > 0 && !isRankerCached(options.agents, rankerOptions(options));
}

/**
 * The cache key of this router's ranker: equal keys mean equal training, whatever else about
 * the agents changed (instructions, tools). Undefined when the ranker cannot be cached.
 */
export function routerCacheKey(options: RouterOptions): string | undefined {
  return rankerCacheKey(options.agents, rankerOptions(options));
}

function rankerOptions(options: RouterOptions): OfflineRankerOptions {
  const ranker: OfflineRankerOptions = { ...options.ranker };
  const wordVectors =
    ranker.wordVectors ??
    (options.wordVectors === false ? undefined : (options.wordVectors ?? loadWordVectors()));
  const outOfScope =
    ranker.outOfScope ??
    (options.outOfScope === false ? undefined : (options.outOfScope ?? loadOutOfScopeExamples()));
  return {
    ...ranker,
    ...(options.cache && !ranker.cache ? { cache: options.cache } : {}),
    ...(options.onTrain && !ranker.onTrain ? { onTrain: options.onTrain } : {}),
    ...(wordVectors === undefined ? {} : { wordVectors }),
    ...(outOfScope === undefined ? {} : { outOfScope }),
    ...(options.secondLook === false && ranker.rerankCandidates === undefined ? { rerankCandidates: 0 } : {}),
  };
}

function earlierReasons(previous: readonly StrategyOutcome[]): string[] {
  return previous.flatMap((outcome) => (outcome.kind === 'passed' ? outcome.reasons : []));
}

function withEarlierReasons(
  decision: RoutingDecision,
  previous: readonly StrategyOutcome[],
): RoutingDecision {
  const reasons = earlierReasons(previous).filter((reason) => !decision.reasons.includes(reason));
  return reasons.length === 0 ? decision : { ...decision, reasons: [...reasons, ...decision.reasons] };
}

function clarify(previous: readonly StrategyOutcome[], agentCount: number): Clarification {
  const proposed = previous
    .map((outcome) => (outcome.kind === 'passed' ? outcome.clarification : undefined))
    .filter((clarification) => clarification !== undefined)
    .at(-1);
  const reasons = earlierReasons(previous);
  if (proposed) return { ...proposed, reasons };
  return {
    kind: 'clarification',
    question:
      agentCount === 0
        ? 'No agents are loaded; add agent files first.'
        : 'Which agent should handle this? Name one with --agent or @name.',
    candidates: [],
    reasons: reasons.length > 0 ? reasons : [agentCount === 0 ? 'empty roster' : 'no strategy decided'],
  };
}
