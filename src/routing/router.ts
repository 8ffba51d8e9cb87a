import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import type {
  Clarification,
  RoutingCandidate,
  RoutingDecision,
  RoutingResult,
} from '../domain/routing-decision.ts';
import { OfflineRanker, type AgentProfile, type Ranking } from './offline-ranker.ts';

export interface RoutingRule {
  readonly agent: string;
  /** Any of these words or phrases in the request (case-insensitive, whole words). */
  readonly keywords?: readonly string[];
  readonly project?: string;
  readonly requester?: string;
}

export interface RoutingThresholds {
  /** Below this calibrated confidence the router asks instead of guessing. */
  readonly confidence: number;
  /** Requests whose words are mostly unknown to the roster are out of scope. */
  readonly maxUnknownShare: number;
  /** Requests with no agent scoring at least this are out of scope. */
  readonly minScore: number;
  /** Requests with fewer known content words than this are too vague to route. */
  readonly minKnownWords: number;
}

/**
 * Measured on the shipped eval set (docs/decisions/0004-routing.md): the development half chose
 * maxUnknownShare and minScore; confidence 0.2 and minKnownWords 2 keep "ask, don't guess" for vague
 * requests while abstaining on under 10% of answerable ones.
 */
export const defaultThresholds: RoutingThresholds = {
  confidence: 0.2,
  maxUnknownShare: 0.45,
  minScore: 0,
  minKnownWords: 2,
};

export interface RouteInput {
  readonly text: string;
  /** `--agent`: skips every other strategy. */
  readonly agent?: string;
  readonly projectId?: string;
  readonly requester?: string;
}

export interface RouterOptions {
  readonly agents: ReadonlyArray<AgentProfile & { readonly title?: string }>;
  readonly rules?: readonly RoutingRule[];
  readonly thresholds?: Partial<RoutingThresholds>;
}

export interface Router {
  route(input: RouteInput): RoutingResult;
  /** The request without a leading `@agent` mention. */
  readonly agentNames: readonly string[];
}

const mentionPattern = /^\s*@([a-z][a-z0-9-]*)\b[\s,:]*/i;

/** Splits `@agent-name rest of the request` into the name and the rest. */
export function parseMention(text: string): { agent: string; text: string } | undefined {
  const match = mentionPattern.exec(text);
  if (!match?.[1]) return undefined;
  return { agent: match[1].toLowerCase(), text: text.slice(match[0].length).trim() };
}

function containsPhrase(text: string, phrase: string): boolean {
  const escaped = phrase
    .trim()
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * The routing chain: an explicit `--agent` or `@mention` decides with certainty; then the first
 * matching rule from the config; then the offline ranker, which abstains (a Clarification) when the
 * request looks out of scope or its confidence is below the threshold.
 */
export function createRouter(options: RouterOptions): Router {
  const thresholds = { ...defaultThresholds, ...options.thresholds };
  const names = options.agents.map((agent) => agent.name);
  const known = new Set(names);
  const titles = new Map(options.agents.map((agent) => [agent.name, agent.title ?? agent.name]));
  const ranker = options.agents.length > 0 ? new OfflineRanker(options.agents) : undefined;
  for (const rule of options.rules ?? []) {
    if (!known.has(rule.agent)) {
      throw new NovaError('CONFIG_INVALID', `routing rule names unknown agent "${rule.agent}"`, {
        details: { rule },
      });
    }
  }

  const decision = (
    agent: string,
    confidence: number,
    strategy: string,
    reasons: string[],
    alternatives: RoutingCandidate[] = [],
  ): RoutingDecision => ({
    kind: 'decision',
    agent,
    confidence,
    alternatives,
    reasons,
    strategy,
  });

  const label = (candidate: RoutingCandidate): string =>
    `${candidate.agent} (${titles.get(candidate.agent) ?? candidate.agent})`;

  function fromRanking(ranking: Ranking): RoutingResult {
    const candidates = ranking.ranked
      .slice(0, 3)
      .map((ranked) => ({ agent: ranked.agent, confidence: ranked.confidence }));
    const top = ranking.ranked[0];
    if (!top) {
      return {
        kind: 'clarification',
        question: 'No agents are loaded; add agent files first.',
        candidates: [],
        reasons: ['empty roster'],
      };
    }
    // Few words can still be unambiguous ("translate this"); only a short request that is also unclear is vague.
    if (
      ranking.knownWords < thresholds.minKnownWords &&
      top.confidence < 0.9 &&
      ranking.unknownShare <= thresholds.maxUnknownShare
    ) {
      return {
        kind: 'clarification',
        question: `What should be done, and with what? Say a little more, or pick one: ${candidates.map(label).join(', ')}.`,
        candidates,
        reasons: [`too vague: ${ranking.knownWords} word(s) that any agent's description or examples use`],
      };
    }
    const outOfScope = ranking.unknownShare > thresholds.maxUnknownShare || top.score < thresholds.minScore;
    if (outOfScope) {
      const clarification: Clarification = {
        kind: 'clarification',
        question: `None of Nova's agents seems to handle this. If one should, name it with --agent or @name; the closest are ${candidates.map(label).join(', ')}.`,
        candidates,
        reasons: [
          `out of scope: ${Math.round(ranking.unknownShare * 100)}% of the words are unknown to the roster, best match score ${top.score.toFixed(2)}`,
        ],
      };
      return clarification;
    }
    if (top.confidence < thresholds.confidence) {
      return {
        kind: 'clarification',
        question: `Which of these should handle it: ${candidates.map(label).join(', ')}?`,
        candidates,
        reasons: [`not sure: best confidence ${top.confidence.toFixed(2)} is below ${thresholds.confidence}`],
      };
    }
    return decision(
      top.agent,
      top.confidence,
      'ranker',
      [`ranker: closest to ${top.agent}'s description and examples (score ${top.score.toFixed(2)})`],
      candidates.slice(1),
    );
  }

  return {
    agentNames: names,
    route(input) {
      if (input.agent !== undefined) {
        if (!known.has(input.agent)) {
          const suggestion = closestMatch(input.agent, names);
          throw new NovaError(
            'NOT_FOUND',
            `unknown agent "${input.agent}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
            {
              details: { agent: input.agent },
            },
          );
        }
        return decision(input.agent, 1, 'explicit', ['named with --agent']);
      }
      const mention = parseMention(input.text);
      if (mention && known.has(mention.agent))
        return decision(mention.agent, 1, 'explicit', [`mentioned as @${mention.agent}`]);
      const text = mention ? mention.text : input.text;
      for (const rule of options.rules ?? []) {
        const matches =
          (rule.project === undefined || rule.project === input.projectId) &&
          (rule.requester === undefined || rule.requester === input.requester) &&
          (rule.keywords === undefined || rule.keywords.some((keyword) => containsPhrase(text, keyword)));
        if (matches && (rule.keywords || rule.project || rule.requester)) {
          const conditions = [
            rule.keywords ? `keywords ${rule.keywords.join('/')}` : undefined,
            rule.project ? `project ${rule.project}` : undefined,
            rule.requester ? `requester ${rule.requester}` : undefined,
          ].filter(Boolean);
          return decision(rule.agent, 0.95, 'rule', [`rule: ${conditions.join(', ')}`]);
        }
      }
      if (!ranker) return fromRanking({ ranked: [], bestSimilarity: 0, unknownShare: 1, knownWords: 0 });
      const result = fromRanking(ranker.rank(text));
      if (mention) {
        return {
          ...result,
          reasons: [`@${mention.agent} is not an agent; routed on the rest of the text`, ...result.reasons],
        };
      }
      return result;
    },
  };
}
