import { describe, expect, it } from 'vitest';
import type { WordVectors } from './offline-ranker.ts';
import {
  alignmentFeatureNames,
  ExampleAlignment,
  fitRerankWeights,
  minimumRerankGroups,
  rerankFeatureCount,
  rerankProbabilities,
  type RerankGroup,
} from './example-reranker.ts';

const feature = (name: (typeof alignmentFeatureNames)[number]) => alignmentFeatureNames.indexOf(name);

/** Three-dimensional vectors: "restructure" and "reorganise" point the same way, "folder" elsewhere. */
const vectors: WordVectors = {
  dimensions: 3,
  vector(word) {
    const table: Record<string, number[]> = {
      restructure: [1, 0, 0],
      reorganise: [0.9, 0.1, 0],
      layout: [0.6, 0.8, 0],
      folder: [0, 0, 1],
      invoice: [0, 1, 0],
    };
    const vector = table[word];
    return vector ? Float32Array.from(vector) : undefined;
  },
};

const agents = [
  {
    description: 'architect: designs and restructures code bases',
    examples: ['restructure the repository layout', 'split the monolith into services'],
  },
  {
    description: 'assistant: files and folders',
    examples: ['open the folder of the api project', 'rename the invoice folder'],
  },
];

describe('ExampleAlignment', () => {
  const alignment = new ExampleAlignment(agents, vectors);

  it('scores a request that repeats an example as fully covered by it', () => {
    const features = alignment.features(alignment.request('Restructure the repository layout!'), 0);
    expect(features[feature('best example')]).toBeCloseTo(1, 6);
    expect(features[feature('best example coverage')]).toBeCloseTo(1, 6);
    expect(features[feature('opening word')]).toBeCloseTo(1 / 5, 6); // one of the five best openings
  });

  it('counts words of the same stem as equal and unrelated words as nothing', () => {
    const request = alignment.request('restructuring repositories');
    expect(alignment.features(request, 0)[feature('best example coverage')]).toBeCloseTo(1, 6);
    expect(alignment.features(alignment.request('weather tomorrow'), 0).every((value) => value === 0)).toBe(
      true,
    );
  });

  it('lets a word match another by its vector, so the kind of work outweighs a shared topic word', () => {
    // "reorganise" is in no text, but its vector is close to "restructure"; "folder" is the
    // assistant's topic word.
    const request = alignment.request('reorganise the folder layout');
    const architect = alignment.features(request, 0);
    const assistant = alignment.features(request, 1);
    expect(architect[feature('best example coverage')]).toBeGreaterThan(
      assistant[feature('best example coverage')] ?? 1,
    );
    const withoutVectors = new ExampleAlignment(agents);
    expect(
      withoutVectors.features(withoutVectors.request('reorganise the folder layout'), 0)[
        feature('best example coverage')
      ],
    ).toBeLessThan(architect[feature('best example coverage')] ?? 0);
  });

  it('leaves out a held-out example, and only that one', () => {
    const request = alignment.request('restructure the repository layout');
    expect(alignment.features(request, 0, 0)[feature('best example')]).toBeLessThan(0.5);
    expect(alignment.features(request, 0, 1)[feature('best example')]).toBeCloseTo(1, 6);
    expect(alignment.features(request, 0)[feature('best example')]).toBeCloseTo(1, 6);
  });

  it('compares with the description too, and gives nothing for an empty request or an unknown agent', () => {
    expect(
      alignment.features(alignment.request('designs code bases'), 0)[feature('description')],
    ).toBeGreaterThan(0.5);
    expect(alignment.features(alignment.request('the and of'), 0).every((value) => value === 0)).toBe(true);
    expect(alignment.features(alignment.request('restructure'), 7).every((value) => value === 0)).toBe(true);
  });
});

describe('fitRerankWeights', () => {
  /** Groups where the ranker's log-probability prefers the wrong candidate and feature 1 knows better. */
  function groups(count: number): RerankGroup[] {
    return Array.from({ length: count }, (_, index) => {
      const right = index % 3;
      const features = [0, 1, 2].map((candidate) => {
        const row = new Float64Array(rerankFeatureCount);
        row[0] = candidate === (right + 1) % 3 ? Math.log(0.5) : Math.log(0.25);
        row[1] = candidate === right ? 0.9 : 0.3;
        return row;
      });
      return { features, label: right };
    });
  }

  it('learns to trust the comparison that picks the right candidate over the ranker’s order', () => {
    const weights = fitRerankWeights(groups(30)) ?? [];
    expect(weights[1]).toBeGreaterThan(1);
    for (const group of groups(9)) {
      const probabilities = rerankProbabilities(weights, group.features);
      expect(probabilities.indexOf(Math.max(...probabilities))).toBe(group.label);
      expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 9);
    }
  });

  it('fits nothing from too few usable groups, so the ranker’s order stands', () => {
    const unlabelled = groups(60).map((group) => ({ ...group, label: -1 }));
    expect(fitRerankWeights(unlabelled)).toBeUndefined();
    expect(fitRerankWeights(groups(minimumRerankGroups - 1))).toBeUndefined();
    expect(fitRerankWeights(groups(minimumRerankGroups))).toBeDefined();
  });

  it('is deterministic', () => {
    expect(Array.from(fitRerankWeights(groups(40)) ?? [])).toEqual(
      Array.from(fitRerankWeights(groups(40)) ?? []),
    );
  });
});
