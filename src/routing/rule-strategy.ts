import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { RoutingStrategy } from './routing-strategy.ts';

/** A routing rule from the config. Every condition given must hold; a rule needs at least one. */
export interface RoutingRule {
  readonly agent: string;
  /** Any of these words or phrases in the request (case-insensitive, whole words). */
  readonly keywords?: readonly string[];
  /** The task's project id. */
  readonly project?: string;
  /** Who asked (e.g. a pipeline or an interface user). */
  readonly requester?: string;
}

function phrasePattern(phrase: string): RegExp {
  const escaped = phrase
    .trim()
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu');
}

function describe(rule: RoutingRule, index: number): string {
  const conditions = [
    rule.keywords ? `keywords ${rule.keywords.map((keyword) => `"${keyword}"`).join('/')}` : undefined,
    rule.project ? `project ${rule.project}` : undefined,
    rule.requester ? `requester ${rule.requester}` : undefined,
  ].filter((condition) => condition !== undefined);
  return `rule ${index + 1}: ${conditions.join(', ')}`;
}

/**
 * The owner's rules, in config order; the first whose conditions all hold decides with
 * confidence 1 (the owner said so). Rules are checked when the router is built: an unknown agent
 * or a rule without conditions is a CONFIG_INVALID error naming the rule.
 */
export function createRuleStrategy(
  rules: readonly RoutingRule[],
  agentNames: readonly string[],
): RoutingStrategy {
  const known = new Set(agentNames);
  const compiled = rules.map((rule, index) => {
    if (!known.has(rule.agent)) {
      const suggestion = closestMatch(rule.agent, agentNames);
      throw new NovaError(
        'CONFIG_INVALID',
        `routing rule ${index + 1} names unknown agent "${rule.agent}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        { details: { rule: index + 1, agent: rule.agent } },
      );
    }
    if (rule.keywords === undefined && rule.project === undefined && rule.requester === undefined) {
      throw new NovaError(
        'CONFIG_INVALID',
        `routing rule ${index + 1} (agent "${rule.agent}") has no condition; give keywords, project or requester`,
        { details: { rule: index + 1 } },
      );
    }
    return { rule, patterns: rule.keywords?.map(phrasePattern), reason: describe(rule, index) };
  });
  return {
    name: 'rule',
    route(input) {
      for (const { rule, patterns, reason } of compiled) {
        if (rule.project !== undefined && rule.project !== input.projectId) continue;
        if (rule.requester !== undefined && rule.requester !== input.requester) continue;
        if (patterns !== undefined && !patterns.some((pattern) => pattern.test(input.text))) continue;
        return {
          kind: 'decided',
          decision: {
            kind: 'decision',
            agent: rule.agent,
            confidence: 1,
            alternatives: [],
            reasons: [reason],
            strategy: 'rule',
          },
        };
      }
      return { kind: 'passed', reasons: [] };
    },
  };
}
