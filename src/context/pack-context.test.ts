import { describe, expect, it } from 'vitest';
import type { TrustLevel } from '../domain/context-item.ts';
import { packContext, type ContextCandidate } from './pack-context.ts';
import { tokenCounterFor } from './token-counter.ts';

const now = Date.parse('2026-11-22T12:00:00Z');
function candidate(
  id: string,
  relevance: number,
  tokens: number,
  options: { hoursOld?: number; trust?: TrustLevel } = {},
): ContextCandidate {
  return {
    id,
    kind: 'file',
    content: `content of ${id}`,
    tokens,
    relevance,
    provenance: {
      sourceUri: `file://acme/${id}.md`,
      observedAt: new Date(now - (options.hoursOld ?? 0) * 3_600_000).toISOString(),
      contentHash: `hash-${id}`,
      trust: options.trust ?? 'trusted',
    },
  };
}

describe('packContext', () => {
  it('ranks by relevance, freshness and trust, packs under the budget and lists what it left out', () => {
    const pack = packContext(
      [
        candidate('spec', 0.9, 400),
        candidate('old-spec', 0.9, 400, { hoursOld: 24 * 60 }),
        candidate('web-page', 0.9, 400, { trust: 'untrusted' }),
        candidate('notes', 0.5, 300),
        candidate('unrelated', 0.05, 10),
      ],
      { tokenBudget: 1_000, now },
    );
    expect(pack.items.map((item) => item.id)).toEqual(['spec', 'web-page']);
    expect(pack.tokensUsed).toBe(800);
    expect(pack.excluded).toEqual([
      { id: 'notes', sourceUri: 'file://acme/notes.md', reason: 'over-budget' },
      { id: 'old-spec', sourceUri: 'file://acme/old-spec.md', reason: 'over-budget' },
      { id: 'unrelated', sourceUri: 'file://acme/unrelated.md', reason: 'low-relevance' },
    ]);
    expect(pack.items[0]).not.toHaveProperty('relevance');
  });
});

describe('tokenCounterFor', () => {
  it('uses the model family tokenizer, and says when it can only estimate', () => {
    expect(tokenCounterFor('openai:gpt-4o-mini')).toMatchObject({
      encoding: 'o200k_base',
      approximate: false,
    });
    expect(tokenCounterFor('openai:gpt-4-turbo')).toMatchObject({
      encoding: 'cl100k_base',
      approximate: false,
    });
    expect(tokenCounterFor('anthropic:claude-sonnet-4-5')).toMatchObject({
      encoding: 'cl100k_base',
      approximate: true,
    });
    expect(tokenCounterFor('openai:gpt-4o').count('Reconcile the October bank account for Globex.')).toBe(10);
  });
});
