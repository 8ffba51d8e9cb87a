import type { SparseVector } from './sparse-vector.ts';
import { extractFeatures, type FeatureOptions } from './text-features.ts';

export interface Vectorized {
  /** TF-IDF, sublinear term frequency, L2-normalised; features the space has never seen are dropped. */
  readonly vector: SparseVector;
  /** Distinct content words of the request that occur somewhere in the training text. */
  readonly knownWords: number;
  /** Distinct content words of the request. */
  readonly words: number;
  /** L2 norm of the TF-IDF vector before normalising: how much known evidence the request carries. */
  readonly norm: number;
}

/**
 * The vocabulary and inverse document frequencies learnt from the agents' texts. Fitted once;
 * vectorising a request afterwards touches only the request's own features.
 */
export class FeatureSpace {
  readonly options: FeatureOptions;
  readonly #vocabulary = new Map<string, number>();
  readonly #idf: Float64Array;

  /**
   * Fits the space on the documents and returns their vectors too, extracting each document's
   * features once (restoring a cached ranker is mostly this).
   */
  static fit(
    documents: readonly string[],
    options: FeatureOptions,
  ): { space: FeatureSpace; vectors: Vectorized[] } {
    const features = documents.map((document) => extractFeatures(document, options));
    const space = new FeatureSpace(features, options);
    return { space, vectors: features.map((entry) => space.#vectorizeFeatures(entry)) };
  }

  /** Use `fit`: the documents' features, already extracted with `options`. */
  private constructor(documents: ReadonlyArray<ReadonlyMap<string, number>>, options: FeatureOptions) {
    this.options = options;
    const documentFrequency: number[] = [];
    for (const features of documents) {
      for (const name of features.keys()) {
        let index = this.#vocabulary.get(name);
        if (index === undefined) {
          index = this.#vocabulary.size;
          this.#vocabulary.set(name, index);
        }
        documentFrequency[index] = (documentFrequency[index] ?? 0) + 1;
      }
    }
    const count = documents.length;
    this.#idf = Float64Array.from(
      documentFrequency,
      (frequency) => Math.log((1 + count) / (1 + frequency)) + 1,
    );
  }

  get size(): number {
    return this.#vocabulary.size;
  }

  /** Inverse document frequency of a named feature (`w:stem`, …); undefined when unseen. */
  idfOf(name: string): number | undefined {
    const index = this.#vocabulary.get(name);
    return index === undefined ? undefined : this.#idf[index];
  }

  /** The highest inverse document frequency: that of a feature seen once. */
  get maxIdf(): number {
    let max = 0;
    for (const value of this.#idf) max = Math.max(max, value);
    return max;
  }

  idf(feature: number): number {
    return this.#idf[feature] ?? 0;
  }

  vectorize(text: string): Vectorized {
    return this.#vectorizeFeatures(extractFeatures(text, this.options));
  }

  #vectorizeFeatures(features: ReadonlyMap<string, number>): Vectorized {
    const indices: number[] = [];
    const values: number[] = [];
    let knownWords = 0;
    let words = 0;
    for (const [name, frequency] of features) {
      const index = this.#vocabulary.get(name);
      if (name.startsWith('w:')) {
        words += 1;
        if (index !== undefined) knownWords += 1;
      }
      if (index === undefined) continue;
      indices.push(index);
      values.push((1 + Math.log(frequency)) * (this.#idf[index] ?? 1));
    }
    let squares = 0;
    for (const value of values) squares += value * value;
    const norm = Math.sqrt(squares) || 1;
    return {
      vector: {
        indices: Int32Array.from(indices),
        values: Float64Array.from(values, (value) => value / norm),
      },
      knownWords,
      words,
      norm: Math.sqrt(squares),
    };
  }
}
