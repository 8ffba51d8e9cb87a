import type { SparseVector } from './sparse-vector.ts';

export interface SoftmaxRegressionOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty per epoch, applied as weight decay. */
  readonly l2: number;
  /** Seed for the example order, so training is deterministic. */
  readonly seed: number;
}

export const defaultSoftmaxRegressionOptions: SoftmaxRegressionOptions = {
  epochs: 25,
  learningRate: 0.5,
  l2: 1e-4,
  seed: 1,
};

/**
 * Multinomial logistic regression over sparse features, trained in-process by stochastic
 * gradient descent. Weights are stored feature-major (`feature * classes + class`) so scoring a
 * request reads one contiguous row per feature it contains.
 */
export class SoftmaxRegression {
  readonly classes: number;
  readonly #weights: Float64Array;
  readonly #bias: Float64Array;

  constructor(
    examples: ReadonlyArray<{
      readonly label: number;
      readonly vector: SparseVector;
      readonly weight?: number;
    }>,
    classes: number,
    featureCount: number,
    options: SoftmaxRegressionOptions = defaultSoftmaxRegressionOptions,
  ) {
    this.classes = classes;
    this.#weights = new Float64Array(featureCount * classes);
    this.#bias = new Float64Array(classes);
    const order = examples.map((_, index) => index);
    const random = seededRandom(options.seed);
    const probabilities = new Float64Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffle(order, random);
      const rate = options.learningRate / (1 + epoch * 0.2);
      for (const index of order) {
        const example = examples[index];
        if (example === undefined) continue;
        this.#probabilities(example.vector, probabilities);
        probabilities[example.label] = (probabilities[example.label] ?? 0) - 1;
        const { indices, values } = example.vector;
        for (let position = 0; position < indices.length; position++) {
          const row = (indices[position] ?? 0) * classes;
          const step = rate * (example.weight ?? 1) * (values[position] ?? 0);
          for (let label = 0; label < classes; label++) {
            this.#weights[row + label] =
              (this.#weights[row + label] ?? 0) - step * (probabilities[label] ?? 0);
          }
        }
        for (let label = 0; label < classes; label++) {
          this.#bias[label] = (this.#bias[label] ?? 0) - rate * 0.1 * (probabilities[label] ?? 0);
        }
      }
      const decay = 1 - options.l2 * examples.length * rate;
      if (decay < 1)
        for (let index = 0; index < this.#weights.length; index++)
          this.#weights[index] = (this.#weights[index] ?? 0) * decay;
    }
  }

  /** Raw scores (logits) per class. */
  logits(vector: SparseVector, output?: Float64Array): Float64Array {
    const into = output ?? new Float64Array(this.classes);
    into.set(this.#bias);
    const classes = this.classes;
    for (let position = 0; position < vector.indices.length; position++) {
      const row = (vector.indices[position] ?? 0) * classes;
      const value = vector.values[position] ?? 0;
      for (let label = 0; label < classes; label++)
        into[label] = (into[label] ?? 0) + value * (this.#weights[row + label] ?? 0);
    }
    return into;
  }

  #probabilities(vector: SparseVector, into: Float64Array): void {
    this.logits(vector, into);
    let max = -Infinity;
    for (const value of into) max = Math.max(max, value);
    let sum = 0;
    for (let label = 0; label < into.length; label++) {
      const exponential = Math.exp((into[label] ?? 0) - max);
      into[label] = exponential;
      sum += exponential;
    }
    for (let label = 0; label < into.length; label++) into[label] = (into[label] ?? 0) / sum;
  }
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: tiny, fast, and enough to shuffle example order reproducibly.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const held = items[index] ?? 0;
    items[index] = items[other] ?? 0;
    items[other] = held;
  }
}
