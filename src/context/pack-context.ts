import type { ContextItem, ContextPack, ExcludedContextItem, TrustLevel } from '../domain/context-item.ts';

export interface ContextCandidate extends ContextItem {
  /** How well the item matches the task, 0..1. */
  readonly relevance: number;
}

export interface PackOptions {
  readonly tokenBudget: number;
  readonly now: number;
  /** Older items weigh less: freshness halves every this many hours (floor 0.2). */
  readonly halfLifeHours?: number;
  /** Candidates below this relevance are left out as off-topic. */
  readonly minRelevance?: number;
}

const trustWeight: Record<TrustLevel, number> = { trusted: 1, untrusted: 0.6 };

export function contextScore(candidate: ContextCandidate, now: number, halfLifeHours: number): number {
  const ageHours = Math.max(0, (now - Date.parse(candidate.provenance.observedAt)) / 3_600_000);
  const freshness = Math.max(0.2, 0.5 ** (ageHours / halfLifeHours));
  return candidate.relevance * freshness * trustWeight[candidate.provenance.trust];
}

/**
 * Ranks candidates by relevance × freshness × trust and packs them greedily under the token
 * budget. Everything left out is listed with the reason, so the manifest shows what an agent was
 * not told as well as what it was.
 */
export function packContext(candidates: readonly ContextCandidate[], options: PackOptions): ContextPack {
  const halfLife = options.halfLifeHours ?? 24 * 7;
  const minRelevance = options.minRelevance ?? 0.15;
  const ranked = candidates
    .map((candidate) => ({ candidate, score: contextScore(candidate, options.now, halfLife) }))
    .sort((a, b) => b.score - a.score || a.candidate.id.localeCompare(b.candidate.id));
  const items: ContextItem[] = [];
  const excluded: ExcludedContextItem[] = [];
  let tokensUsed = 0;
  for (const { candidate } of ranked) {
    const { relevance: _relevance, ...item } = candidate;
    if (candidate.relevance < minRelevance) {
      excluded.push({ id: item.id, sourceUri: item.provenance.sourceUri, reason: 'low-relevance' });
    } else if (tokensUsed + item.tokens > options.tokenBudget) {
      excluded.push({ id: item.id, sourceUri: item.provenance.sourceUri, reason: 'over-budget' });
    } else {
      items.push(item);
      tokensUsed += item.tokens;
    }
  }
  return { items, tokenBudget: options.tokenBudget, tokensUsed, excluded };
}
