import { describe, expect, it } from 'vitest';
import { OfflineRanker, type Ranking } from './offline-ranker.ts';
import { createRankerStrategy, defaultThresholds } from './ranker-strategy.ts';
import type { RouteInput, StrategyOutcome } from './routing-strategy.ts';
import { loadOutOfScopeExamples } from './out-of-scope-examples.ts';
import { testRoster } from './test-roster.ts';
import { loadWordVectors } from './word-vectors.ts';

const ranker = new OfflineRanker(testRoster);
const titles = new Map(testRoster.map((agent) => [agent.name, agent.title]));

function strategyWith(thresholds = defaultThresholds): (input: RouteInput) => StrategyOutcome {
  const strategy = createRankerStrategy({ ranker, thresholds, titles });
  return (input) => {
    const outcome = strategy.route(input, { previous: [] });
    if (outcome instanceof Promise) throw new Error('the ranker strategy is synchronous');
    return outcome;
  };
}

describe('ranker strategy', () => {
  const route = strategyWith();

  it('decides for the best agent with its calibrated confidence, a reason and the runners-up', () => {
    const outcome = route({ text: 'write integration tests for the payment webhook' });
    expect(outcome.kind).toBe('decided');
    if (outcome.kind !== 'decided') return;
    const { decision } = outcome;
    expect(decision).toMatchObject({ kind: 'decision', agent: 'test-writer', strategy: 'ranker' });
    expect(decision.confidence).toBeGreaterThan(defaultThresholds.confidence);
    expect(decision.alternatives.length).toBe(2);
    expect(decision.alternatives.every((candidate) => candidate.confidence <= decision.confidence)).toBe(
      true,
    );
    expect(decision.reasons[0]).toMatch(
      /^ranker: closest to the description and examples of test-writer \(confidence 0\.\d\d, next /,
    );
  });

  it('asks what is wanted when the request has no content words', () => {
    const outcome = route({ text: 'hi, can you help me with something?' });
    expect(outcome).toMatchObject({
      kind: 'passed',
      clarification: {
        kind: 'clarification',
        question: expect.stringMatching(/^What should be done, and with what\?/),
      },
    });
  });

  it('says nothing fits an out-of-scope request, naming the closest agents with their titles', () => {
    const outcome = route({ text: 'order a pepperoni pizza with extra cheese and olives' });
    expect(outcome.kind).toBe('passed');
    if (outcome.kind !== 'passed') return;
    expect(outcome.clarification?.question).toMatch(
      /^None of Nova's agents seems to handle this\. .*the closest are /,
    );
    expect(outcome.clarification?.question).toMatch(/\w+ \([A-Z][\w ]+\)/);
    expect(outcome.clarification?.candidates.length).toBe(3);
    expect(outcome.reasons[0]).toMatch(/^out of scope: \d+% of the request's words appear in no agent's/);
  });

  it('says when the ranker took a second look at an unsure ranking', () => {
    const ranking = (reranked: boolean): Ranking => ({
      candidates: [
        { agent: 'writer', confidence: 0.8 },
        { agent: 'test-writer', confidence: 0.15 },
      ],
      unknownShare: 0,
      knownWords: 4,
      words: 4,
      bestSimilarity: 0.5,
      outOfScope: 0,
      reranked,
    });
    const decide = (reranked: boolean) => {
      const stub = { rank: () => ranking(reranked) } as unknown as OfflineRanker;
      const outcome = createRankerStrategy({ ranker: stub, thresholds: defaultThresholds }).route(
        { text: 'write about the tests' },
        { previous: [] },
      );
      if (outcome instanceof Promise || outcome.kind !== 'decided') throw new Error('expected a decision');
      return outcome.decision.reasons;
    };
    expect(decide(true)).toEqual([
      expect.stringMatching(/^ranker: closest to the description and examples of writer/),
      expect.stringMatching(/compared word by word with their agents' examples$/),
    ]);
    expect(decide(false)).toHaveLength(1);
  });

  it('asks which agent when the best confidence is under the threshold', () => {
    const cautious = strategyWith({ ...defaultThresholds, confidence: 0.999 });
    const outcome = cautious({ text: 'write about the tests' });
    expect(outcome.kind).toBe('passed');
    if (outcome.kind !== 'passed') return;
    expect(outcome.clarification?.question).toMatch(/^Which of these should handle it: .+\?$/);
    expect(outcome.reasons[0]).toMatch(/^not sure: best confidence 0\.\d\d \(\S+\) is below 0\.999$/);
    // With the threshold at 0 the same request is decided.
    expect(
      strategyWith({ ...defaultThresholds, confidence: 0 })({ text: 'write about the tests' }).kind,
    ).toBe('decided');
  });

  it('treats low similarity as out of scope even when the words are known', () => {
    const strict = strategyWith({ ...defaultThresholds, minSimilarity: 0.99 });
    const outcome = strict({ text: 'reconcile the bank account for October please' });
    expect(outcome).toMatchObject({
      kind: 'passed',
      reasons: [expect.stringMatching(/^out of scope: best similarity to any agent 0\.\d\d is below 0\.99$/)],
    });
  });

  it('answers an errand made of known words with "none of the agents", from the out-of-scope examples', () => {
    const withBackground = createRankerStrategy({
      ranker: new OfflineRanker(testRoster, {
        wordVectors: loadWordVectors(),
        outOfScope: loadOutOfScopeExamples(),
      }),
      thresholds: defaultThresholds,
      titles,
    });
    // A personal errand: no agent should take it, whatever words it shares with them.
    const errand = withBackground.route({ text: 'order a new phone case and a pizza' }, { previous: [] });
    expect(errand).toMatchObject({
      kind: 'passed',
      reasons: [
        expect.stringMatching(
          new RegExp(
            `^out of scope: it is closer to requests no agent handles \\(errands, leisure, small talk\\) than to any agent's: [01]\\.\\d\\d > ${defaultThresholds.maxOutOfScope}$`,
          ),
        ),
      ],
      clarification: { question: expect.stringMatching(/^None of Nova's agents seems to handle this/) },
    });
    expect(
      withBackground.route({ text: 'write unit tests for the invoice parser' }, { previous: [] }),
    ).toMatchObject({ kind: 'decided', decision: { agent: 'test-writer' } });
  });
});
