import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { RoutingStrategy } from './routing-strategy.ts';

const mentionPattern = /^\s*@([a-z][a-z0-9-]*)\b[\s,:]*/i;

/** Splits `@agent-name rest of the request` into the (lower-cased) name and the rest. */
export function parseMention(text: string): { agent: string; text: string } | undefined {
  const match = mentionPattern.exec(text);
  if (!match?.[1]) return undefined;
  return { agent: match[1].toLowerCase(), text: text.slice(match[0].length).trim() };
}

/**
 * `--agent name` or a leading `@name` decides with confidence 1.
 *
 * An unknown `--agent` is an error (NOT_FOUND, with the closest name): the flag is a deliberate
 * command, and quietly routing elsewhere would run an agent the owner did not ask for.
 * An unknown `@name` passes with a reason and without the mention, because text that starts with
 * `@` is often just text (a handle, a decorator) and the rest can still be routed.
 */
export function createExplicitMentionStrategy(agentNames: readonly string[]): RoutingStrategy {
  const known = new Set(agentNames);
  const decided = (agent: string, reason: string) =>
    ({
      kind: 'decided',
      decision: {
        kind: 'decision',
        agent,
        confidence: 1,
        alternatives: [],
        reasons: [reason],
        strategy: 'explicit',
      },
    }) as const;
  return {
    name: 'explicit',
    route(input) {
      if (input.agent !== undefined) {
        if (!known.has(input.agent)) {
          const suggestion = closestMatch(input.agent, agentNames);
          throw new NovaError(
            'NOT_FOUND',
            `unknown agent "${input.agent}".${suggestion ? ` Did you mean "${suggestion}"?` : ` Known agents: ${agentNames.join(', ') || 'none'}.`}`,
            { details: { agent: input.agent, ...(suggestion ? { suggestion } : {}) } },
          );
        }
        return decided(input.agent, 'named with --agent');
      }
      const mention = parseMention(input.text);
      if (mention === undefined) return { kind: 'passed', reasons: [] };
      if (known.has(mention.agent)) return decided(mention.agent, `mentioned as @${mention.agent}`);
      const suggestion = closestMatch(mention.agent, agentNames);
      return {
        kind: 'passed',
        reasons: [
          `@${mention.agent} is not an agent${suggestion ? ` (did you mean @${suggestion}?)` : ''}; routed on the rest of the text`,
        ],
        input: { ...input, text: mention.text },
      };
    },
  };
}
