import { describe, expect, it } from 'vitest';
import { OfflineRanker } from './offline-ranker.ts';
import { testRoster } from './test-roster.ts';

describe('OfflineRanker', () => {
  const ranker = new OfflineRanker(testRoster);

  it('ranks the agent whose description and examples fit first, with confidences that sum to at most 1', () => {
    const ranking = ranker.rank('please translate the contract into French', 3);
    expect(ranking.candidates.map((candidate) => candidate.agent)[0]).toBe('translator');
    expect(ranking.candidates).toHaveLength(3);
    const confidences = ranking.candidates.map((candidate) => candidate.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(confidences.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('generalises through the lexicon: a "vendor bill" is ledger work, a "ping" is a reminder', () => {
    expect(
      ranker.rank('post the journal for this supplier bill in the general ledger').candidates[0]?.agent,
    ).toBe('erp-accounting');
    expect(ranker.rank('ping me in 30 minutes about the standup').candidates[0]?.agent).toBe('reminders');
  });

  it('reports out-of-scope signals: unknown words and low similarity', () => {
    const inScope = ranker.rank('reconcile the bank account for November');
    const outside = ranker.rank('bake a sourdough loaf with rye flour');
    expect(inScope.unknownShare).toBeLessThan(0.3);
    expect(outside.unknownShare).toBeGreaterThan(0.7);
    expect(outside.bestSimilarity).toBeLessThan(inScope.bestSimilarity);
    expect(ranker.rank('hi there').words).toBe(0);
  });

  it('is less sure of a two-word request than of a full sentence about the same thing', () => {
    const short = ranker.rank('bank reconciliation').candidates[0];
    const long = ranker.rank('reconcile the bank account and the ledger for the month-end close')
      .candidates[0];
    expect(short?.agent).toBe('erp-accounting');
    expect(long?.agent).toBe('erp-accounting');
    expect(short?.confidence ?? 1).toBeLessThan(long?.confidence ?? 0);
  });

  it('does not learn from what a description says the agent does not do', () => {
    // The translator's description ends "It does not write new text".
    expect(ranker.rank('write new text for the landing page').candidates[0]?.agent).not.toBe('translator');
  });

  it('is deterministic, works for one agent and offers the similarity method too', () => {
    const again = new OfflineRanker(testRoster);
    expect(again.rank('cover the parser with unit tests')).toEqual(
      ranker.rank('cover the parser with unit tests'),
    );
    const alone = new OfflineRanker([testRoster[0]!]);
    expect(alone.rank('translate this').candidates).toEqual([{ agent: 'translator', confidence: 1 }]);
    const similarity = new OfflineRanker(testRoster, { method: 'similarity' });
    expect(similarity.rank('write unit tests for the invoice module').candidates[0]?.agent).toBe(
      'test-writer',
    );
    expect(similarity.temperature).toBeGreaterThan(0);
  });

  it('trains against the most similar agents only on large rosters and still ranks correctly', () => {
    const filler = Array.from({ length: 60 }, (_, index) => ({
      name: `filler-${index}`,
      description: `Handles filler topic number ${index} with care and speed.`,
      examples: [`do the filler ${index} work`, `check filler ${index} items`],
    }));
    const large = new OfflineRanker([...testRoster, ...filler], { candidateLimit: 10 });
    expect(large.rank('remind me on Friday to renew the domain').candidates[0]?.agent).toBe('reminders');
    expect(large.rank('translate this email into Spanish').candidates[0]?.agent).toBe('translator');
  });
});
