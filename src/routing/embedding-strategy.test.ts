import { describe, expect, it } from 'vitest';
import { gloveEmbedder } from '../adapters/models/embedders.ts';
import type { Embedder } from '../ports/embedder.ts';
import { createEmbeddingStrategy } from './embedding-strategy.ts';
import type { StrategyOutcome } from './routing-strategy.ts';
import { testRoster } from './test-roster.ts';

const unsure: StrategyOutcome = {
  kind: 'passed',
  reasons: ['not sure: best confidence 0.31 (writer) is below 0.5'],
  clarification: {
    kind: 'clarification',
    question: 'Which of these should handle it: …?',
    candidates: [],
    reasons: [],
  },
};
const unknownWords: StrategyOutcome = {
  kind: 'passed',
  reasons: [
    "out of scope: 80% of the request's words appear in no agent's description or examples (limit 70%)",
  ],
};

function counting(embedder: Embedder): Embedder & { texts: number; calls: number } {
  const wrapped = {
    id: embedder.id,
    texts: 0,
    calls: 0,
    embed(texts: readonly string[], signal?: AbortSignal) {
      wrapped.calls += 1;
      wrapped.texts += texts.length;
      return embedder.embed(texts, signal);
    },
  };
  return wrapped;
}

describe('embedding strategy', () => {
  const glove = counting(gloveEmbedder('50k'));
  const strategy = createEmbeddingStrategy({ embedder: glove, profiles: testRoster });

  it('decides what the ranker was unsure about by meaning, with a calibrated confidence and reasons', async () => {
    const outcome = await strategy.route(
      { text: 'render the leaflet in Portuguese and Italian' },
      { previous: [unsure] },
    );
    expect(outcome).toMatchObject({
      kind: 'decided',
      decision: { agent: 'translator', strategy: 'embedding' },
    });
    if (outcome.kind !== 'decided') return;
    expect(outcome.decision.confidence).toBeGreaterThanOrEqual(0.5);
    expect(outcome.decision.confidence).toBeLessThanOrEqual(1);
    expect(outcome.decision.alternatives).toHaveLength(2);
    expect(outcome.decision.reasons[0]).toMatch(
      /^embedding \(glove:[0-9a-f]+\): nearest to the examples of translator \(similarity 0\.\d\d, confidence \d\.\d\d\)$/,
    );
  });

  it('also takes requests whose words the roster never uses, but not vague ones, errands or decided ones', async () => {
    const outcome = await strategy.route(
      { text: 'alarm clock buzz at seven tomorrow' },
      { previous: [unknownWords] },
    );
    expect(outcome).toMatchObject({ kind: 'decided', decision: { agent: 'reminders' } });
    const vague: StrategyOutcome = { kind: 'passed', reasons: ['too vague: 0 word(s) that the agents use'] };
    const errand: StrategyOutcome = {
      kind: 'passed',
      reasons: [
        "out of scope: it is closer to requests no agent handles (errands, leisure, small talk) than to any agent's: 0.81 > 0.5",
      ],
    };
    for (const previous of [[vague], [errand], []])
      expect(await strategy.route({ text: 'translate this into German' }, { previous })).toEqual({
        kind: 'passed',
        reasons: [],
      });
  });

  it('embeds the agents once, then one text per request', async () => {
    const fresh = counting(gloveEmbedder('50k'));
    const once = createEmbeddingStrategy({ embedder: fresh, profiles: testRoster });
    const agentTexts = testRoster.reduce((sum, agent) => sum + 1 + agent.examples.length, 0);
    await once.route({ text: 'first' }, { previous: [unsure] });
    await once.route({ text: 'second' }, { previous: [unsure] });
    expect(fresh.texts).toBe(agentTexts + 2);
    expect(fresh.calls).toBe(3);
  });

  it('passes with a reason when unsure itself, and when the embedding model fails', async () => {
    const strict = createEmbeddingStrategy({
      embedder: glove,
      profiles: testRoster,
      thresholds: { confidence: 0.999 },
    });
    const unsureToo = await strict.route({ text: 'the quarterly numbers' }, { previous: [unsure] });
    expect(unsureToo).toMatchObject({ kind: 'passed' });
    expect(unsureToo.kind === 'passed' && unsureToo.reasons[0]).toMatch(
      /^embedding \(glove:[0-9a-f]+\) not sure either: \S+ at confidence 0\.\d\d, similarity -?\d\.\d\d \(needs 0\.999 and 0\.3\)$/,
    );
    let attempts = 0;
    const broken = createEmbeddingStrategy({
      embedder: {
        id: 'openai:text-embedding-3-small',
        embed: () => {
          attempts += 1;
          return Promise.reject(new Error('connection refused'));
        },
      },
      profiles: testRoster,
    });
    expect(await broken.route({ text: 'translate this' }, { previous: [unsure] })).toEqual({
      kind: 'passed',
      reasons: ['embedding (openai:text-embedding-3-small) failed: connection refused'],
    });
    // A failed build is retried on the next request rather than remembered.
    await broken.route({ text: 'translate this' }, { previous: [unsure] });
    expect(attempts).toBe(2);
  });
  it('gives the event loop turns while it builds its index, so a server keeps answering', async () => {
    // 30 agents × 40 examples of 128 dimensions: a leave-one-out pass of a few hundred milliseconds.
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const profiles = Array.from({ length: 30 }, (_, agent) => ({
      name: `agent-${agent}`,
      description: `agent ${agent}`,
      examples: Array.from({ length: 40 }, (_, example) => `request ${agent} ${example}`),
    }));
    const embedder: Embedder = {
      id: 'random',
      embed: (texts) => Promise.resolve(texts.map(() => Float32Array.from({ length: 128 }, random))),
    };
    const strategy = createEmbeddingStrategy({ embedder, profiles });
    let turns = 0;
    const ticking = setInterval(() => (turns += 1), 1);
    const started = performance.now();
    await strategy.prepare();
    const took = performance.now() - started;
    clearInterval(ticking);
    expect(took).toBeGreaterThan(50); // enough work that a blocking build would starve the timer
    expect(turns).toBeGreaterThan(0);
  });
});
