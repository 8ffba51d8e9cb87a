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

  it('scores a dense block given as summed projections exactly as the block itself', () => {
    // Features 0-2 as above; 3-4 a dense block (like the mean word vector).
    const dense: TrainingExample[] = examples.map((example, index) => ({
      ...example,
      vector: {
        indices: Int32Array.from([...example.vector.indices, 3, 4]),
        values: Float64Array.from([...example.vector.values, (index % 5) / 5, example.label]),
      },
    }));
    const model = new SoftmaxRegression(dense, 2, 5);
    const x = [0.3, -0.2];
    const y = [0.5, 0.9];
    const block = [0.7 * (x[0] ?? 0) + 1.3 * (y[0] ?? 0), 0.7 * (x[1] ?? 0) + 1.3 * (y[1] ?? 0)];
    const sparse = vector([1]);
    const whole = model.logits({
      indices: Int32Array.from([...sparse.indices, 3, 4]),
      values: Float64Array.from([...sparse.values, ...block]),
    });
    const px = model.project(3, x);
    const py = model.project(3, y);
    const summed = model.logits(sparse, undefined, {
      linear: px.linear.map((value, index) => 0.7 * value + 1.3 * (py.linear[index] ?? 0)),
      hidden: px.hidden.map((value, index) => 0.7 * value + 1.3 * (py.hidden[index] ?? 0)),
    });
    expect(Array.from(summed).map((value, index) => value - (whole[index] ?? 0))).toEqual([
      expect.closeTo(0, 9),
      expect.closeTo(0, 9),
    ]);
  });
});
