import type { RoutingStrategy } from './routing-strategy.ts';

export interface TieBreakCandidate {
  readonly agent: string;
  readonly title: string;
  readonly description: string;
  readonly confidence: number;
}

/** Asks a chat model to pick one candidate; resolves with its raw reply, or rejects on failure. */
export type TieBreakChooser = (request: {
  text: string;
  candidates: readonly TieBreakCandidate[];
}) => Promise<string>;

/**
 * When the ranker is unsure between a few agents (and only then: not for out-of-scope or vague
 * requests), a chat model picks one of them. The reply must name a candidate; anything else, or
 * a failing model, leaves the ranker's question in place. Never widens the candidate set.
 */
export function createModelTieBreakStrategy(options: {
  readonly profiles: ReadonlyMap<string, { readonly title: string; readonly description: string }>;
  readonly choose: TieBreakChooser;
}): RoutingStrategy {
  return {
    name: 'model',
    async route(input, { previous }) {
      const last = previous.at(-1);
      if (
        last?.kind !== 'passed' ||
        !last.clarification ||
        !last.reasons.some((reason) => reason.startsWith('not sure'))
      ) {
        return { kind: 'passed', reasons: [] };
      }
      const candidates = last.clarification.candidates.map((candidate) => ({
        agent: candidate.agent,
        confidence: candidate.confidence,
        title: options.profiles.get(candidate.agent)?.title ?? candidate.agent,
        description: options.profiles.get(candidate.agent)?.description ?? '',
      }));
      let reply: string;
      try {
        reply = await options.choose({ text: input.text, candidates });
      } catch (error) {
        return {
          kind: 'passed',
          reasons: [`model tie-break failed: ${error instanceof Error ? error.message : String(error)}`],
        };
      }
      const normalized = reply.trim().toLowerCase();
      const chosen =
        candidates.find((candidate) => normalized === candidate.agent) ??
        candidates.find((candidate) =>
          new RegExp(`(^|[^a-z0-9-])${candidate.agent}([^a-z0-9-]|$)`).test(normalized),
        );
      if (!chosen)
        return {
          kind: 'passed',
          reasons: [`model tie-break named no candidate ("${reply.trim().slice(0, 60)}")`],
        };
      return {
        kind: 'decided',
        decision: {
          kind: 'decision',
          agent: chosen.agent,
          confidence: chosen.confidence,
          alternatives: candidates
            .filter((candidate) => candidate.agent !== chosen.agent)
            .map((candidate) => ({ agent: candidate.agent, confidence: candidate.confidence })),
          reasons: [
            `model tie-break chose ${chosen.agent} among ${candidates.map((candidate) => candidate.agent).join(', ')}`,
          ],
          strategy: 'model',
        },
      };
    },
  };
}
