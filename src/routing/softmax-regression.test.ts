import { describe, expect, it } from 'vitest';
import {
  defaultSoftmaxRegressionOptions,
  SoftmaxRegression,
  type TrainingExample,
} from './softmax-regression.ts';
import type { SparseVector } from './sparse-vector.ts';

const vector = (features: readonly number[]): SparseVector => ({
  indices: Int32Array.from([...features, 2]),
  values: Float64Array.from([...features, 2], () => 1),
});

/**
 * Either feature alone means class 0; both together, or neither, mean class 1 (exclusive or): the
 * shape of "stock words mean inventory, unless the request asks for proofreading". No weighted
 * sum of the features can tell these apart; feature 2 is a constant.
 */
const cases: ReadonlyArray<{ features: number[]; label: number }> = [
  { features: [0], label: 0 },
  { features: [1], label: 0 },
  { features: [0, 1], label: 1 },
  { features: [], label: 1 },
];
const examples: TrainingExample[] = Array.from({ length: 40 }, () =>
  cases.map((entry) => ({ label: entry.label, vector: vector(entry.features) })),
).flat();

function correct(model: SoftmaxRegression): number {
  return cases.filter((entry) => {
    const [first = 0, second = 0] = model.logits(vector(entry.features));
    return (first > second ? 0 : 1) === entry.label;
  }).length;
}

describe('SoftmaxRegression', () => {
  it('learns an interaction of features with its hidden layer that the linear model alone cannot', () => {
    const options = { ...defaultSoftmaxRegressionOptions, epochs: 60, hiddenUnits: 16, dropout: 0 };
    expect(
      correct(new SoftmaxRegression(examples, 2, 3, { ...options, hiddenUnits: 0 })),
    ).toBeLessThanOrEqual(3);
    expect(correct(new SoftmaxRegression(examples, 2, 3, options))).toBe(4);
  });

  it('is deterministic for a seed, and a restored model scores exactly as the trained one', () => {
    const trained = new SoftmaxRegression(examples, 2, 3);
    const again = new SoftmaxRegression(examples, 2, 3);
    const restored = SoftmaxRegression.restore(2, 3, trained.parameters);
    for (const entry of cases) {
      const logits = Array.from(trained.logits(vector(entry.features)));
      expect(Array.from(again.logits(vector(entry.features)))).toEqual(logits);
      expect(Array.from(restored.logits(vector(entry.features)))).toEqual(logits);
    }
    expect(trained.parameters.hidden?.units).toBe(defaultSoftmaxRegressionOptions.hiddenUnits);
  });

  it('refuses restored weights of the wrong shape', () => {
    const { weights, bias, hidden } = new SoftmaxRegression(examples, 2, 3).parameters;
    expect(() => SoftmaxRegression.restore(2, 4, { weights, bias, ...(hidden ? { hidden } : {}) })).toThrow(
      RangeError,
    );
  });
});
