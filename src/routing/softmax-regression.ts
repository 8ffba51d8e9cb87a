import type { SparseVector } from './sparse-vector.ts';
import { seededRandom } from '../domain/seeded-random.ts';

export interface SoftmaxRegressionOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty per epoch, applied as weight decay. */
  readonly l2: number;
  /** Seed for the example order (and the hidden layer's start and dropout), so training is deterministic. */
  readonly seed: number;
  /**
   * Units of the hidden layer added to the linear model (0: a plain linear model). The linear
   * part adds up evidence word by word; the hidden layer (ReLU) lets features interact, so that
   * "proofread" can outweigh the stock words of "proofread this note about stock levels".
   */
  readonly hiddenUnits: number;
  /** Learning rate of the hidden layer's weights (the linear part uses `learningRate`). */
  readonly hiddenLearningRate: number;
  /** Share of hidden units switched off at random for each training example, 0..1. */
  readonly dropout: number;
}

/** Chosen by cross-validation and the development sets (decision 0004). */
export const defaultSoftmaxRegressionOptions: SoftmaxRegressionOptions = {
  epochs: 25,
  learningRate: 0.5,
  l2: 3e-5,
  seed: 1,
  hiddenUnits: 64,
  hiddenLearningRate: 0.1,
  dropout: 0.3,
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

/** A dense block of features multiplied through a model's weights (see `SoftmaxRegression.project`). */
export interface Projection {
  /** Contribution to each class's logit. */
  readonly linear: Float64Array;
  /** Contribution to each hidden unit's input, before its bias and ReLU. */
  readonly hidden: Float64Array;
}

/** A trained model's numbers, for `restore`. `hidden` is absent for a plain linear model. */
export interface SoftmaxRegressionParameters {
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  readonly hidden?: {
    readonly units: number;
    /** Feature-major: `feature * units + unit`. */
    readonly inWeights: Float32Array;
    readonly inBias: Float64Array;
    /** Unit-major: `unit * classes + class`. */
    readonly outWeights: Float32Array;
  };
}

/**
 * Multinomial logistic regression over sparse features, with an optional hidden layer beside it
 * (logits = linear part + ReLU layer), trained in-process by stochastic gradient descent. Weights
 * are stored feature-major (`feature * classes + class`, `feature * units + unit`) so scoring a
 * request reads one contiguous row per feature it contains. The linear part's L2 weight decay is
 * applied through one shared scale factor, so an epoch costs the examples' features, not the whole
 * weight matrix.
 */
export class SoftmaxRegression {
  readonly classes: number;
  readonly #weights: Float32Array;
  readonly #bias: Float64Array;
  /** True weights are `#weights * #scale`. */
  #scale = 1;
  readonly #units: number;
  readonly #inWeights: Float32Array;
  readonly #inBias: Float64Array;
  readonly #outWeights: Float32Array;
  /** Scratch for the hidden activations while scoring (scoring is synchronous, so one is enough). */
  #activations: Float64Array | undefined;

  constructor(
    examples: readonly TrainingExample[],
    classes: number,
    featureCount: number,
    options: SoftmaxRegressionOptions = defaultSoftmaxRegressionOptions,
    trained?: SoftmaxRegressionParameters,
  ) {
    this.classes = classes;
    this.#weights = trained?.weights ?? new Float32Array(featureCount * classes);
    this.#bias = trained?.bias ?? new Float64Array(classes);
    const units = trained ? (trained.hidden?.units ?? 0) : Math.max(0, Math.floor(options.hiddenUnits));
    this.#units = units;
    if (trained) {
      this.#inWeights = trained.hidden?.inWeights ?? new Float32Array(0);
      this.#inBias = trained.hidden?.inBias ?? new Float64Array(0);
      this.#outWeights = trained.hidden?.outWeights ?? new Float32Array(0);
      if (
        this.#weights.length !== featureCount * classes ||
        this.#bias.length !== classes ||
        this.#inWeights.length !== featureCount * units ||
        this.#inBias.length !== units ||
        this.#outWeights.length !== units * classes
      )
        throw new RangeError('trained weights do not match the classes and features');
      return;
    }
    // The hidden layer starts small and random (a zero start would keep every unit alike).
    const start = seededRandom(options.seed + 1);
    this.#inWeights = Float32Array.from({ length: featureCount * units }, () => (start() - 0.5) * 0.2);
    this.#inBias = new Float64Array(units);
    this.#outWeights = Float32Array.from({ length: units * classes }, () => (start() - 0.5) * 0.2);
    this.#train(examples, options, start);
  }

  #train(
    examples: readonly TrainingExample[],
    options: SoftmaxRegressionOptions,
    dropping: () => number,
  ): void {
    const classes = this.classes;
    const units = this.#units;
    const order = examples.map((_, index) => index);
    const random = seededRandom(options.seed);
    const allClasses = Int32Array.from({ length: classes }, (_, label) => label);
    const gradient = new Float64Array(classes);
    const hidden = new Float64Array(units);
    /** The units that are on for the current example (kept by dropout, positive after ReLU). */
    const active = new Int32Array(units);
    const keep = 1 - Math.min(0.9, Math.max(0, options.dropout));
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffle(order, random);
      const rate = options.learningRate / (1 + epoch * 0.2);
      const hiddenRate = options.hiddenLearningRate / (1 + epoch * 0.2);
      for (const index of order) {
        const example = examples[index];
        if (example === undefined) continue;
        const candidates = example.candidates ?? allClasses;
        let activeCount = 0;
        if (units > 0) {
          // Inverted dropout: kept units are scaled up, so scoring needs no correction.
          for (let unit = 0; unit < units; unit++)
            if (keep === 1 || dropping() < keep) active[activeCount++] = unit;
          activeCount = this.#activate(example.vector, hidden, active, activeCount, 1 / keep);
        }
        this.#candidateLogits(example.vector, candidates, hidden, active, activeCount, gradient);
        normalise(gradient, candidates.length);
        const every = example.candidates === undefined;
        const labelSlot = every ? example.label : candidates.indexOf(example.label);
        gradient[labelSlot] = (gradient[labelSlot] ?? 0) - 1;
        const { indices, values } = example.vector;
        const weight = example.weight ?? 1;
        const stepScale = (rate * weight) / this.#scale;
        const weights = this.#weights;
        for (let position = 0; position < indices.length; position++) {
          const row = (indices[position] as number) * classes;
          const step = stepScale * (values[position] as number);
          if (every) {
            // The common case (rosters up to the candidate limit), kept free of index lookups.
            for (let label = 0; label < classes; label++)
              weights[row + label] = (weights[row + label] as number) - step * (gradient[label] as number);
          } else {
            for (let slot = 0; slot < candidates.length; slot++) {
              const cell = row + (candidates[slot] as number);
              weights[cell] = (weights[cell] as number) - step * (gradient[slot] as number);
            }
          }
        }
        for (let slot = 0; slot < candidates.length; slot++) {
          const label = candidates[slot] as number;
          this.#bias[label] =
            (this.#bias[label] as number) - rate * weight * 0.1 * (gradient[slot] as number);
        }
        if (activeCount > 0)
          this.#trainHidden(
            example.vector,
            candidates,
            hidden,
            active,
            activeCount,
            gradient,
            hiddenRate * weight,
          );
      }
      this.#scale *= Math.max(0, 1 - options.l2 * examples.length * rate);
      if (this.#scale < 1e-3) this.#rescale();
      if (units > 0) {
        const decay = Math.max(0, 1 - options.l2 * examples.length * hiddenRate);
        for (let cell = 0; cell < this.#inWeights.length; cell++)
          this.#inWeights[cell] = (this.#inWeights[cell] as number) * decay;
        for (let cell = 0; cell < this.#outWeights.length; cell++)
          this.#outWeights[cell] = (this.#outWeights[cell] as number) * decay;
      }
    }
    this.#rescale();
  }

  /**
   * Activations of the listed units (ReLU, times `scale`) into `hidden`; every other unit is 0.
   * Compacts `active` to the units that came out positive and returns how many did.
   */
  #activate(
    vector: SparseVector,
    hidden: Float64Array,
    active: Int32Array,
    count: number,
    scale: number,
  ): number {
    const units = this.#units;
    const inWeights = this.#inWeights;
    const { indices, values } = vector;
    hidden.fill(0);
    for (let at = 0; at < count; at++) {
      const unit = active[at] as number;
      hidden[unit] = this.#inBias[unit] as number;
    }
    for (let position = 0; position < indices.length; position++) {
      const row = (indices[position] as number) * units;
      const value = values[position] as number;
      for (let at = 0; at < count; at++) {
        const unit = active[at] as number;
        hidden[unit] = (hidden[unit] as number) + value * (inWeights[row + unit] as number);
      }
    }
    let positive = 0;
    for (let at = 0; at < count; at++) {
      const unit = active[at] as number;
      const activation = hidden[unit] as number;
      if (activation > 0) {
        hidden[unit] = activation * scale;
        active[positive++] = unit;
      } else hidden[unit] = 0;
    }
    return positive;
  }

  /** Backpropagation through the hidden layer's active units for one example. */
  #trainHidden(
    vector: SparseVector,
    candidates: Int32Array,
    hidden: Float64Array,
    active: Int32Array,
    count: number,
    gradient: Float64Array,
    rate: number,
  ): void {
    const classes = this.classes;
    const units = this.#units;
    const outWeights = this.#outWeights;
    const inWeights = this.#inWeights;
    // Reuses `hidden` for the units' gradients once each unit's activation has been used.
    for (let at = 0; at < count; at++) {
      const unit = active[at] as number;
      const activation = hidden[unit] as number;
      const row = unit * classes;
      let sum = 0;
      for (let slot = 0; slot < candidates.length; slot++) {
        const cell = row + (candidates[slot] as number);
        const slotGradient = gradient[slot] as number;
        sum += (outWeights[cell] as number) * slotGradient;
        outWeights[cell] = (outWeights[cell] as number) - rate * activation * slotGradient;
      }
      hidden[unit] = sum;
    }
    const { indices, values } = vector;
    for (let position = 0; position < indices.length; position++) {
      const row = (indices[position] as number) * units;
      const step = rate * (values[position] as number);
      for (let at = 0; at < count; at++) {
        const unit = active[at] as number;
        inWeights[row + unit] = (inWeights[row + unit] as number) - step * (hidden[unit] as number);
      }
    }
    for (let at = 0; at < count; at++) {
      const unit = active[at] as number;
      this.#inBias[unit] = (this.#inBias[unit] as number) - rate * 0.1 * (hidden[unit] as number);
    }
  }

  /** A model with weights trained earlier (see `parameters`), without training. */
  static restore(
    classes: number,
    featureCount: number,
    parameters: SoftmaxRegressionParameters,
  ): SoftmaxRegression {
    return new SoftmaxRegression([], classes, featureCount, defaultSoftmaxRegressionOptions, parameters);
  }

  /** The trained weights and biases, for `restore`. */
  get parameters(): SoftmaxRegressionParameters {
    return {
      weights: this.#weights,
      bias: this.#bias,
      ...(this.#units > 0
        ? {
            hidden: {
              units: this.#units,
              inWeights: this.#inWeights,
              inBias: this.#inBias,
              outWeights: this.#outWeights,
            },
          }
        : {}),
    };
  }

  /**
   * Raw scores (logits) per class. `dense`, when given, is the part of a dense block of features
   * already multiplied through the weights (see `project`): adding it gives the same scores as
   * passing the block inside `vector`, at a fraction of the cost when the block is a sum of
   * a few projected vectors (a request's word vectors).
   */
  logits(vector: SparseVector, output?: Float64Array, dense?: Projection): Float64Array {
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
    if (dense)
      for (let label = 0; label < classes; label++)
        into[label] = (into[label] as number) + (dense.linear[label] as number);
    const units = this.#units;
    if (units > 0) {
      const hidden = (this.#activations ??= new Float64Array(units));
      this.#hiddenActivations(vector, hidden, dense?.hidden);
      const outWeights = this.#outWeights;
      for (let unit = 0; unit < units; unit++) {
        const activation = hidden[unit] as number;
        if (activation === 0) continue;
        const row = unit * classes;
        for (let label = 0; label < classes; label++)
          into[label] = (into[label] as number) + activation * (outWeights[row + label] as number);
      }
    }
    return into;
  }

  /**
   * A dense vector placed at features `offset…offset+length-1`, multiplied through the linear
   * weights and the hidden layer's input weights (before the bias and ReLU). Projections add up:
   * the projection of `a·x + b·y` is `a·project(x) + b·project(y)`.
   */
  project(offset: number, vector: ArrayLike<number>): Projection {
    const classes = this.classes;
    const units = this.#units;
    const linear = new Float64Array(classes);
    const hidden = new Float64Array(units);
    for (let dimension = 0; dimension < vector.length; dimension++) {
      const value = vector[dimension] as number;
      if (value === 0) continue;
      const row = (offset + dimension) * classes;
      const scaled = value * this.#scale;
      for (let label = 0; label < classes; label++)
        linear[label] = (linear[label] as number) + scaled * (this.#weights[row + label] as number);
      const hiddenRow = (offset + dimension) * units;
      for (let unit = 0; unit < units; unit++)
        hidden[unit] = (hidden[unit] as number) + value * (this.#inWeights[hiddenRow + unit] as number);
    }
    return { linear, hidden };
  }

  /** ReLU of the hidden layer for a vector (plus a projected dense part), written to `into`. */
  #hiddenActivations(vector: SparseVector, into: Float64Array, dense?: Float64Array): void {
    const units = this.#units;
    const inWeights = this.#inWeights;
    into.set(this.#inBias);
    if (dense)
      for (let unit = 0; unit < units; unit++) into[unit] = (into[unit] as number) + (dense[unit] as number);
    const { indices, values } = vector;
    for (let position = 0; position < indices.length; position++) {
      const row = (indices[position] as number) * units;
      const value = values[position] as number;
      for (let unit = 0; unit < units; unit++)
        into[unit] = (into[unit] as number) + value * (inWeights[row + unit] as number);
    }
    for (let unit = 0; unit < units; unit++) if ((into[unit] as number) < 0) into[unit] = 0;
  }

  /** Logits of the candidate classes (linear part plus the active hidden units' part), written to `into[slot]`. */
  #candidateLogits(
    vector: SparseVector,
    candidates: Int32Array,
    hidden: Float64Array,
    active: Int32Array,
    count: number,
    into: Float64Array,
  ): void {
    const classes = this.classes;
    const weights = this.#weights;
    const scale = this.#scale;
    for (let slot = 0; slot < candidates.length; slot++)
      into[slot] = this.#bias[candidates[slot] as number] as number;
    for (let position = 0; position < vector.indices.length; position++) {
      const row = (vector.indices[position] as number) * classes;
      const value = (vector.values[position] as number) * scale;
      for (let slot = 0; slot < candidates.length; slot++)
        into[slot] = (into[slot] as number) + value * (weights[row + (candidates[slot] as number)] as number);
    }
    const outWeights = this.#outWeights;
    for (let at = 0; at < count; at++) {
      const unit = active[at] as number;
      const activation = hidden[unit] as number;
      const row = unit * classes;
      for (let slot = 0; slot < candidates.length; slot++)
        into[slot] =
          (into[slot] as number) + activation * (outWeights[row + (candidates[slot] as number)] as number);
    }
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
