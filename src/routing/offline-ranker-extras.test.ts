import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExampleAlignment, maxComparedWords } from './example-reranker.ts';
import { defaultFeatureOptions } from './text-features.ts';
import { loadAgentProfiles } from './load-agent-profiles.ts';
import { defaultSoftmaxRegressionOptions } from './softmax-regression.ts';
import { createFileRankerCache } from '../adapters/fs/file-ranker-cache.ts';
import { OfflineRanker, type RankerCache } from './offline-ranker.ts';
import { loadOutOfScopeExamples, parseOutOfScopeExamples } from './out-of-scope-examples.ts';
import { testRoster } from './test-roster.ts';
import { loadWordVectors } from './word-vectors.ts';

const wordVectors = loadWordVectors();
const outOfScope = loadOutOfScopeExamples();

function countingCache(): RankerCache & { gets: number; hits: number; sets: number } {
  const entries = new Map<string, Uint8Array>();
  const cache = {
    gets: 0,
    hits: 0,
    sets: 0,
    get(key: string) {
      cache.gets += 1;
      const value = entries.get(key);
      if (value) cache.hits += 1;
      return value;
    },
    set(key: string, value: Uint8Array) {
      cache.sets += 1;
      entries.set(key, value);
    },
  };
  return cache;
}

describe('OfflineRanker with word vectors and out-of-scope examples', () => {
  const ranker = new OfflineRanker(testRoster, { wordVectors, outOfScope });

  it('routes words no agent text uses by their meaning', () => {
    // "Italian" and "brochure" appear in no text of the roster; the vectors place them near
    // languages and documents, so the translator is surer than the ranker without vectors.
    const plain = new OfflineRanker(testRoster);
    const text = 'need the brochure in italian';
    expect(ranker.rank(text).candidates[0]?.agent).toBe('translator');
    expect(ranker.rank(text).candidates[0]?.confidence ?? 0).toBeGreaterThan(
      (plain.rank(text).candidates[0]?.confidence ?? 0) + 0.1,
    );
  });

  it('says how likely a request is one no agent takes: high for errands, low for work', () => {
    expect(ranker.rank('what should I cook for dinner tonight').outOfScope).toBeGreaterThan(0.5);
    expect(ranker.rank('reconcile the bank account for November').outOfScope).toBeLessThan(0.2);
    expect(new OfflineRanker(testRoster).rank('what should I cook for dinner tonight').outOfScope).toBe(0);
    const confidences = ranker.rank('what should I cook for dinner tonight', 10).candidates;
    // Candidates stay a distribution over the agents, given that one of them is meant.
    expect(confidences.reduce((sum, candidate) => sum + candidate.confidence, 0)).toBeCloseTo(1, 6);
  });

  it('does not let many out-of-scope examples drown a small roster', () => {
    const tiny = new OfflineRanker(testRoster.slice(0, 2), { wordVectors, outOfScope });
    const ranking = tiny.rank('translate the contract into French');
    expect(ranking.candidates[0]?.agent).toBe('translator');
    expect(ranking.outOfScope).toBeLessThan(0.5);
  });

  it('restores a trained ranker from its cache instead of training, ranking exactly as before', () => {
    const cache = countingCache();
    const first = new OfflineRanker(testRoster, { wordVectors, outOfScope, cache });
    expect(cache).toMatchObject({ gets: 1, hits: 0, sets: 1 });
    const second = new OfflineRanker(testRoster, { wordVectors, outOfScope, cache });
    expect(cache).toMatchObject({ gets: 2, hits: 1, sets: 1 });
    expect(second.temperature).toBe(first.temperature);
    for (const text of ['translate this into Polish', 'remind me at 5', 'book a table for two'])
      expect(second.rank(text, 3)).toEqual(first.rank(text, 3));
    // Any change to what training reads is another key: an edited example retrains.
    const edited = testRoster.map((agent, index) =>
      index === 0 ? { ...agent, examples: [...agent.examples, 'translate the menu'] } : agent,
    );
    new OfflineRanker(edited, { wordVectors, outOfScope, cache });
    expect(cache).toMatchObject({ gets: 3, hits: 1, sets: 2 });
    // The key holds every setting with its default filled in: naming the defaults is the same
    // ranker, and another value (or a changed default in a later Nova) is another key.
    new OfflineRanker(testRoster, { wordVectors, outOfScope, cache, features: defaultFeatureOptions });
    expect(cache).toMatchObject({ gets: 4, hits: 2, sets: 2 });
    new OfflineRanker(testRoster, {
      wordVectors,
      outOfScope,
      cache,
      features: { ...defaultFeatureOptions, conceptWeight: defaultFeatureOptions.conceptWeight + 1 },
    });
    expect(cache).toMatchObject({ gets: 5, hits: 2, sets: 3 });
  });

  it('ignores cached bytes that are damaged or for another shape, and trains', () => {
    const broken: RankerCache = { get: () => Buffer.from('NOVARK1\ngarbage'), set: () => undefined };
    const trained = new OfflineRanker(testRoster, { wordVectors, outOfScope, cache: broken });
    expect(trained.rank('translate this into Polish').candidates[0]?.agent).toBe('translator');
  });
});

describe('out-of-scope example files', () => {
  it('hold one request per line, skipping blank lines and # comments', () => {
    expect(
      parseOutOfScopeExamples('# header\n\nwater the plants\n  # indented comment\n feed the cat \n'),
    ).toEqual(['water the plants', 'feed the cat']);
    expect(loadOutOfScopeExamples().length).toBeGreaterThan(100);
  });
});

describe('the file ranker cache', () => {
  it('stores atomically, reads back, keeps only the newest files and never throws', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-cache-'));
    const cache = createFileRankerCache(path.join(directory, 'router'), 2);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', Buffer.from('first'));
    expect(Buffer.from(cache.get('a') ?? []).toString()).toBe('first');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(directory, 'router', 'a.ranker'), past, past);
    cache.set('b', Buffer.from('second'));
    cache.set('c', Buffer.from('third'));
    expect(fs.readdirSync(path.join(directory, 'router')).sort()).toEqual(['b.ranker', 'c.ranker']);
    const blocked = path.join(directory, 'a-file');
    fs.writeFileSync(blocked, '');
    const unusable = createFileRankerCache(path.join(blocked, 'router'));
    expect(() => unusable.set('x', Buffer.from('y'))).not.toThrow();
    expect(unusable.get('x')).toBeUndefined();
  });
});

describe('OfflineRanker’s second look at unsure rankings (the default roster, trained briefly)', () => {
  const agents = loadAgentProfiles(path.join(import.meta.dirname, '../../agents'));
  // Two epochs without the hidden layer: the mechanics, not the measured quality (that is
  // default-roster-eval.test.ts).
  const quick = {
    wordVectors,
    outOfScope,
    regression: { ...defaultSoftmaxRegressionOptions, epochs: 2, hiddenUnits: 0 },
  };
  const cache = countingCache();
  const ranker = new OfflineRanker(agents, { ...quick, cache });
  const texts = agents.flatMap((agent) => agent.examples.slice(0, 3));
  const unsure = texts.filter((text) => ranker.rank(text).reranked);

  it('re-ranks only the requests it is unsure of', () => {
    expect(unsure.length).toBeGreaterThan(0);
    expect(unsure.length).toBeLessThan(texts.length);
  });

  it('shares out only what its top three had together, leaving every other agent as it was', () => {
    const without = new OfflineRanker(agents, { ...quick, rerankCandidates: 0 });
    let reordered = 0;
    for (const text of unsure) {
      const after = new Map(ranker.rank(text, agents.length).candidates.map((c) => [c.agent, c.confidence]));
      const before = without.rank(text, agents.length).candidates;
      expect(without.rank(text).reranked).toBe(false);
      const topThree = before.slice(0, 3);
      const mass = (confidence: (agent: string) => number) =>
        topThree.reduce((sum, candidate) => sum + confidence(candidate.agent), 0);
      expect(mass((agent) => after.get(agent) ?? 0)).toBeCloseTo(
        mass((agent) => before.find((c) => c.agent === agent)?.confidence ?? 0),
        9,
      );
      for (const candidate of before.slice(3)) expect(after.get(candidate.agent)).toBe(candidate.confidence);
      if (ranker.rank(text).candidates[0]?.agent !== before[0]?.agent) reordered += 1;
    }
    expect(reordered).toBeGreaterThan(0);
  });

  it('restores its re-ranking weights from the cache, with and without a hidden layer', () => {
    const restored = new OfflineRanker(agents, { ...quick, cache });
    expect(cache).toMatchObject({ hits: 1, sets: 1 });
    for (const text of unsure) expect(restored.rank(text, 5)).toEqual(ranker.rank(text, 5));
    const hidden = {
      ...quick,
      regression: { ...defaultSoftmaxRegressionOptions, epochs: 1, hiddenUnits: 8 },
      cache: countingCache(),
    };
    const trained = new OfflineRanker(agents, hidden);
    const back = new OfflineRanker(agents, hidden);
    expect(hidden.cache).toMatchObject({ hits: 1, sets: 1 });
    for (const text of unsure) expect(back.rank(text, 5)).toEqual(trained.rank(text, 5));
  });

  it('retrains rather than restore re-ranking weights that are not numbers', () => {
    const stored = new Map<string, Uint8Array>();
    const damaging: RankerCache = {
      get: (key) => stored.get(key),
      set: (key, value) => {
        // Layout (offline-ranker.ts): 32-byte header, bias (float64 × classes), weights
        // (float32), then the re-ranking weights (float64).
        const bytes = Buffer.from(value);
        const at = 32 + bytes.readUInt32LE(8) * 8 + bytes.readUInt32LE(12) * 4;
        expect(bytes.readUInt32LE(28)).toBe(6);
        bytes.writeDoubleLE(Number.NaN, at + 8);
        stored.set(key, bytes);
      },
    };
    new OfflineRanker(agents, { ...quick, cache: damaging });
    const retrained = new OfflineRanker(agents, { ...quick, cache: damaging });
    for (const text of unsure.slice(0, 5)) {
      const ranking = retrained.rank(text, 3);
      expect(ranking.candidates.every((candidate) => Number.isFinite(candidate.confidence))).toBe(true);
      expect(ranking).toEqual(ranker.rank(text, 3));
    }
  });

  it('compares a held-out example with every example but itself while fitting, and with everything when routing', () => {
    const compare = vi.spyOn(ExampleAlignment.prototype, 'features');
    try {
      const fresh = new OfflineRanker(agents, quick);
      const whileFitting = compare.mock.calls;
      expect(whileFitting.length).toBeGreaterThan(0);
      // Each unsure held-out example is compared with its top candidates; only its own agent's
      // comparison leaves one example out, and that is the example the text is.
      const leftOut = whileFitting.filter((call) => call[2] !== undefined);
      expect(leftOut.length).toBeGreaterThan(0);
      expect(leftOut.length).toBeLessThan(whileFitting.length);
      for (const [request, agent, example] of leftOut) {
        const profile = agents[agent];
        const text = profile?.examples[example ?? -1];
        expect(text).toBeDefined();
        expect(request.tokens.join(' ')).toBe(new ExampleAlignment([]).request(text ?? '').tokens.join(' '));
      }
      compare.mockClear();
      fresh.rank(unsure[0] ?? '');
      expect(compare.mock.calls.length).toBe(3);
      expect(compare.mock.calls.every((call) => call[2] === undefined)).toBe(true);
    } finally {
      compare.mockRestore();
    }
  });

  it('takes no second look at a request without content words or at a pasted document', () => {
    for (const text of ['', 'please', 'can you do it for me?'])
      expect(ranker.rank(text).reranked).toBe(false);
    const pasted = Array.from({ length: maxComparedWords + 1 }, (_, index) => `invoice${index}`).join(' ');
    expect(ranker.rank(`check ${pasted}`).reranked).toBe(false);
  });
});
