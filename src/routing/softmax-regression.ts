import type { SparseVector } from './sparse-vector.ts';
import { seededRandom } from '../domain/seeded-random.ts';

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
  l2: 3e-5,
  seed: 1,
};

export interface TrainingExample {
  readonly label: number;
  readonly vector: SparseVector;
  /**
   * The classes this example is normalised over (must include `label`); all classes when absent.
   * With hundreds of agents, restricting each example to the agents it could be confused with
   * keeps training time linear in the roster instead of quadratic.
   */
  readonly candidates?: Int32Array;
  /** Scales this example's gradient (default 1): a class with many examples can count as fewer. */
  readonly weight?: number;
}

/**
 * Multinomial logistic regression over sparse features, trained in-process by stochastic
 * gradient descent. Weights are stored feature-major (`feature * classes + class`) so scoring a
 * request reads one contiguous row per feature it contains. L2 weight decay is applied through
 * one shared scale factor, so an epoch costs the examples' features, not the whole weight matrix.
 */
export class SoftmaxRegression {
  readonly classes: number;
  readonly #weights: Float32Array;
  readonly #bias: Float64Array;
  /** True weights are `#weights * #scale`. */
  #scale = 1;

  constructor(
    examples: readonly TrainingExample[],
    classes: number,
    featureCount: number,
    options: SoftmaxRegressionOptions = defaultSoftmaxRegressionOptions,
    trained?: { readonly weights: Float32Array; readonly bias: Float64Array },
  ) {
    this.classes = classes;
    this.#weights = trained?.weights ?? new Float32Array(featureCount * classes);
    this.#bias = trained?.bias ?? new Float64Array(classes);
    if (trained) {
      if (this.#weights.length !== featureCount * classes || this.#bias.length !== classes)
        throw new RangeError('trained weights do not match the classes and features');
      return;
    }
    const order = examples.map((_, index) => index);
    const random = seededRandom(options.seed);
    const allClasses = Int32Array.from({ length: classes }, (_, label) => label);
    const gradient = new Float64Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffle(order, random);
      const rate = options.learningRate / (1 + epoch * 0.2);
      for (const index of order) {
        const example = examples[index];
        if (example === undefined) continue;
        const candidates = example.candidates ?? allClasses;
        const every = example.candidates === undefined;
        if (every) this.#allProbabilities(example.vector, gradient);
        else this.#candidateProbabilities(example.vector, candidates, gradient);
        const labelSlot = every ? example.label : candidates.indexOf(example.label);
        gradient[labelSlot] = (gradient[labelSlot] ?? 0) - 1;
        const { indices, values } = example.vector;
        const weight = example.weight ?? 1;
        const stepScale = (rate * weight) / this.#scale;
        for (let position = 0; position < indices.length; position++) {
          const row = (indices[position] ?? 0) * classes;
          const step = stepScale * (values[position] ?? 0);
          if (every) {
            // The common case (rosters up to the candidate limit), kept free of index lookups.
            for (let label = 0; label < classes; label++) {
              this.#weights[row + label] = (this.#weights[row + label] ?? 0) - step * (gradient[label] ?? 0);
            }
          } else {
            for (let slot = 0; slot < candidates.length; slot++) {
              const cell = row + (candidates[slot] ?? 0);
              this.#weights[cell] = (this.#weights[cell] ?? 0) - step * (gradient[slot] ?? 0);
            }
          }
        }
        for (let slot = 0; slot < candidates.length; slot++) {
          const label = candidates[slot] ?? 0;
          this.#bias[label] = (this.#bias[label] ?? 0) - rate * weight * 0.1 * (gradient[slot] ?? 0);
        }
      }
      this.#scale *= Math.max(0, 1 - options.l2 * examples.length * rate);
      if (this.#scale < 1e-3) this.#rescale();
    }
    this.#rescale();
  }

  /** A model with weights trained earlier (see `parameters`), without training. */
  static restore(
    classes: number,
    featureCount: number,
    parameters: { readonly weights: Float32Array; readonly bias: Float64Array },
  ): SoftmaxRegression {
    return new SoftmaxRegression([], classes, featureCount, defaultSoftmaxRegressionOptions, parameters);
  }

  /** The trained weights (feature-major) and biases, for `restore`. */
  get parameters(): { readonly weights: Float32Array; readonly bias: Float64Array } {
    return { weights: this.#weights, bias: this.#bias };
  }

  /** Raw scores (logits) per class. */
  logits(vector: SparseVector, output?: Float64Array): Float64Array {
    const into = output ?? new Float64Array(this.classes);
    into.set(this.#bias);
    const classes = this.classes;
    const weights = this.#weights;
    const { indices, values } = vector;
    const scale = this.#scale;
    // The hot loop of every routing decision: plain indexed reads (the arrays are in bounds by
    // construction), no per-element fallbacks.
    for (let position = 0; position < indices.length; position++) {
      const row = (indices[position] as number) * classes;
      const value = (values[position] as number) * scale;
      for (let label = 0; label < classes; label++)
        into[label] = (into[label] as number) + value * (weights[row + label] as number);
    }
    return into;
  }

  #allProbabilities(vector: SparseVector, into: Float64Array): void {
    this.logits(vector, into);
    normalise(into, into.length);
  }

  /** Softmax over the candidate classes, written to `into[slot]`. */
  #candidateProbabilities(vector: SparseVector, candidates: Int32Array, into: Float64Array): void {
    const classes = this.classes;
    for (let slot = 0; slot < candidates.length; slot++) into[slot] = this.#bias[candidates[slot] ?? 0] ?? 0;
    for (let position = 0; position < vector.indices.length; position++) {
      const row = (vector.indices[position] ?? 0) * classes;
      const value = (vector.values[position] ?? 0) * this.#scale;
      for (let slot = 0; slot < candidates.length; slot++) {
        into[slot] = (into[slot] ?? 0) + value * (this.#weights[row + (candidates[slot] ?? 0)] ?? 0);
      }
    }
    normalise(into, candidates.length);
  }

  #rescale(): void {
    if (this.#scale === 1) return;
    for (let index = 0; index < this.#weights.length; index++) {
      this.#weights[index] = (this.#weights[index] ?? 0) * this.#scale;
    }
    this.#scale = 1;
  }
}

/** In-place softmax of the first `length` entries. */
function normalise(values: Float64Array, length: number): void {
  let max = -Infinity;
  for (let index = 0; index < length; index++) max = Math.max(max, values[index] ?? 0);
  let sum = 0;
  for (let index = 0; index < length; index++) {
    const exponential = Math.exp((values[index] ?? 0) - max);
    values[index] = exponential;
    sum += exponential;
  }
  for (let index = 0; index < length; index++) values[index] = (values[index] ?? 0) / sum;
}

function shuffle(items: number[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const held = items[index] ?? 0;
    items[index] = items[other] ?? 0;
    items[other] = held;
  }
}
