import { formatConfidence, type Clarification, type RoutingCandidate } from '../domain/routing-decision.ts';
import type { OfflineRanker, Ranking } from './offline-ranker.ts';
import type { RoutingStrategy, StrategyOutcome } from './routing-strategy.ts';

export interface RoutingThresholds {
  /** Below this calibrated confidence the router asks which agent instead of guessing (0..1). */
  readonly confidence: number;
  /** Requests with more than this share of content words unknown to the roster are out of scope (0..1). */
  readonly maxUnknownShare: number;
  /** Requests whose best cosine similarity to any agent is below this are out of scope (0..1). */
  readonly minSimilarity: number;
  /** Requests with fewer known content words than this (and no clear winner) are too vague to route. */
  readonly minKnownWords: number;
  /**
   * Requests whose probability of being like the out-of-scope examples (data/routing/out-of-scope.txt)
   * is above this are out of scope (0..1; 1 turns the check off).
   */
  readonly maxOutOfScope: number;
}

/**
 * Chosen on the development half of eval/routing/default-roster.jsonl (even lines); `maxOutOfScope`
 * also on eval/routing/out-of-scope-dev.jsonl, out-of-scope requests no training text saw. Reported
 * on the other half, a holdout and a blind set; see docs/decisions/0004-routing-ranker.md.
 */
export const defaultThresholds: RoutingThresholds = {
  confidence: 0.2,
  maxUnknownShare: 0.7,
  minSimilarity: 0.08,
  minKnownWords: 2,
  maxOutOfScope: 0.2,
};

/** A confidence at which a short request is clear enough despite having few words. */
const clearWinner = 0.9;
const questionCandidates = 3;

/**
 * The offline ranker as a strategy. It decides when the request is in scope and the best agent's
 * calibrated confidence reaches the threshold; otherwise it passes with the question to ask
 * (vague, out of scope, or unsure between candidates), so a later strategy (embeddings, a model
 * tie-break) can still decide among the same candidates.
 */
export function createRankerStrategy(options: {
  readonly ranker: OfflineRanker;
  readonly thresholds: RoutingThresholds;
  /** Display names for questions, by agent name. */
  readonly titles?: ReadonlyMap<string, string>;
}): RoutingStrategy {
  const { ranker, thresholds } = options;
  const label = (candidate: RoutingCandidate): string => {
    const title = options.titles?.get(candidate.agent);
    return title && title !== candidate.agent ? `${candidate.agent} (${title})` : candidate.agent;
  };
  const ask = (ranking: Ranking, question: (names: string) => string, reason: string): StrategyOutcome => {
    const candidates = ranking.candidates.slice(0, questionCandidates);
    const clarification: Clarification = {
      kind: 'clarification',
      question: question(candidates.map(label).join(', ')),
      candidates,
      reasons: [reason],
    };
    return { kind: 'passed', reasons: [reason], clarification };
  };
  return {
    name: 'ranker',
    route(input) {
      const ranking = ranker.rank(input.text);
      const top = ranking.candidates[0];
      if (top === undefined) return { kind: 'passed', reasons: ['the ranker has no agents'] };
      const vague = (): StrategyOutcome =>
        ask(
          ranking,
          (names) => `What should be done, and with what? Say a little more, or pick one: ${names}.`,
          `too vague: ${ranking.knownWords} word(s) that the agents' descriptions or examples use`,
        );
      const outOfScope = (why: string): StrategyOutcome =>
        ask(
          ranking,
          (names) =>
            `None of Nova's agents seems to handle this. If one should, name it with --agent or @name; the closest are ${names}.`,
          `out of scope: ${why}`,
        );
      if (ranking.words === 0) return vague();
      if (ranking.unknownShare > thresholds.maxUnknownShare) {
        return outOfScope(
          `${Math.round(ranking.unknownShare * 100)}% of the request's words appear in no agent's description or examples (limit ${Math.round(thresholds.maxUnknownShare * 100)}%)`,
        );
      }
      if (ranking.outOfScope > thresholds.maxOutOfScope) {
        return outOfScope(
          `it is closer to requests no agent handles (errands, leisure, small talk) than to any agent's: ${ranking.outOfScope.toFixed(2)} > ${thresholds.maxOutOfScope}`,
        );
      }
      if (ranking.knownWords < thresholds.minKnownWords && top.confidence < clearWinner) return vague();
      if (ranking.bestSimilarity < thresholds.minSimilarity) {
        return outOfScope(
          `best similarity to any agent ${ranking.bestSimilarity.toFixed(2)} is below ${thresholds.minSimilarity}`,
        );
      }
      if (top.confidence < thresholds.confidence) {
        return ask(
          ranking,
          (names) => `Which of these should handle it: ${names}?`,
          `not sure: best confidence ${formatConfidence(top.confidence)} (${top.agent}) is below ${thresholds.confidence}`,
        );
      }
      const runnerUp = ranking.candidates[1];
      return {
        kind: 'decided',
        decision: {
          kind: 'decision',
          agent: top.agent,
          confidence: top.confidence,
          alternatives: ranking.candidates.slice(1, questionCandidates),
          reasons: [
            `ranker: closest to the description and examples of ${top.agent} (confidence ${formatConfidence(top.confidence)}${runnerUp ? `, next ${runnerUp.agent} ${formatConfidence(runnerUp.confidence)}` : ''})`,
            ...(ranking.reranked
              ? [
                  `ranker: unsure at first, so its top candidates were compared word by word with their agents' examples`,
                ]
              : []),
          ],
          strategy: 'ranker',
        },
      };
    },
  };
}
