import { defaultFeatureOptions, extractFeatures, type FeatureOptions } from './text-features.ts';

/** What the ranker learns from: an agent's name, description and example requests. */
export interface AgentProfile {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  /** The agent's instructions: extra vocabulary, weighted below description and examples. */
  readonly instructions?: string;
}

export interface RankedAgent {
  readonly agent: string;
  /** Calibrated probability, 0..1, summing to 1 over agents. */
  readonly confidence: number;
  /** Raw similarity, 0..1. */
  readonly score: number;
}

export interface Ranking {
  readonly ranked: readonly RankedAgent[];
  /** Highest cosine similarity to any single example or description: low means "nothing like this". */
  readonly bestSimilarity: number;
  /** Words of the request the roster has never seen, 0..1. */
  readonly unknownShare: number;
  /** Content words (not stop words) of the request the roster knows. */
  readonly knownWords: number;
}

export interface RankerOptions {
  readonly features?: FeatureOptions;
  /** Weight of centroid similarity against nearest-example similarity (0 = only nearest examples). */
  readonly centroidWeight?: number;
  /** Softmax temperature; fitted on the examples when not given. */
  readonly temperature?: number;
  /** Weight of instruction paragraphs in an agent's centroid (0 leaves instructions out). */
  readonly instructionWeight?: number;
}

interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/**
 * A fast offline router model: TF-IDF over words, word pairs and character n-grams; an agent's
 * score blends similarity to its centroid with similarity to its nearest examples; a softmax with a
 * temperature fitted on held-out examples turns scores into calibrated confidences. Scoring uses
 * an inverted index, so a decision costs the postings of the request's features, not the roster size.
 */
export class OfflineRanker {
  readonly agents: readonly string[];
  readonly temperature: number;
  readonly #features: FeatureOptions;
  readonly #centroidWeight: number;
  readonly #instructionWeight: number;
  readonly #vocabulary = new Map<string, number>();
  #idf = new Float64Array(0);
  /** feature → postings over documents (examples and descriptions). */
  #documentPostings: Array<Array<[number, number]>> = [];
  #documentAgent: Int32Array = new Int32Array(0);
  /** feature → postings over agent centroids. */
  #centroidPostings: Array<Array<[number, number]>> = [];
  /** Length of each agent's centroid before normalising, for leave-one-out scoring. */
  #centroidNorms = new Float64Array(0);

  constructor(profiles: readonly AgentProfile[], options: RankerOptions = {}) {
    this.agents = profiles.map((profile) => profile.name);
    this.#features = options.features ?? defaultFeatureOptions;
    this.#centroidWeight = options.centroidWeight ?? 0.7;
    this.#instructionWeight = options.instructionWeight ?? 0.1;
    const documents: Array<{ agent: number; text: string; weight: number; nearest: boolean }> = [];
    const instructionWeight = this.#instructionWeight;
    profiles.forEach((profile, agent) => {
      documents.push({
        agent,
        text: `${profile.name.replaceAll('-', ' ')} ${profile.description}`,
        weight: 1,
        nearest: true,
      });
      for (const example of profile.examples)
        documents.push({ agent, text: example, weight: 1, nearest: true });
      if (profile.instructions && instructionWeight > 0) {
        documents.push({
          agent,
          text: profile.instructions,
          weight: instructionWeight * profile.examples.length,
          nearest: false,
        });
      }
    });
    this.#train(documents);
    this.temperature = options.temperature ?? this.#fitTemperature(profiles);
  }

  rank(text: string, limit = 5): Ranking {
    const { vector, unknownShare, knownWords } = this.#vectorize(text);
    const scores = this.#scores(vector, -1);
    return this.#toRanking(scores.agentScores, scores.bestSimilarity, unknownShare, knownWords, limit);
  }

  #train(documents: ReadonlyArray<{ agent: number; text: string; weight: number; nearest: boolean }>): void {
    const raw = documents.map((document) => extractFeatures(document.text, this.#features));
    const documentFrequency: number[] = [];
    for (const features of raw) {
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
    this.#documentPostings = Array.from({ length: this.#vocabulary.size }, () => []);
    this.#centroidPostings = Array.from({ length: this.#vocabulary.size }, () => []);
    this.#documentAgent = Int32Array.from(documents, (document) => document.agent);
    const centroids = this.agents.map(() => new Map<number, number>());
    raw.forEach((features, documentIndex) => {
      const vector = this.#weigh(features);
      const agent = this.#documentAgent[documentIndex] ?? 0;
      const centroid = centroids[agent]!;
      const document = documents[documentIndex]!;
      vector.indices.forEach((feature, position) => {
        const value = vector.values[position] ?? 0;
        if (document.nearest) this.#documentPostings[feature]!.push([documentIndex, value]);
        centroid.set(feature, (centroid.get(feature) ?? 0) + value * document.weight);
      });
    });
    this.#centroidNorms = new Float64Array(this.agents.length);
    centroids.forEach((centroid, agent) => {
      const norm = Math.sqrt([...centroid.values()].reduce((sum, value) => sum + value * value, 0)) || 1;
      this.#centroidNorms[agent] = norm;
      for (const [feature, value] of centroid) this.#centroidPostings[feature]!.push([agent, value / norm]);
    });
  }

  /** TF-IDF with sublinear term frequency, L2-normalised. */
  #weigh(features: ReadonlyMap<string, number>): SparseVector {
    const indices: number[] = [];
    const values: number[] = [];
    for (const [name, frequency] of features) {
      const index = this.#vocabulary.get(name);
      if (index === undefined) continue;
      indices.push(index);
      values.push((1 + Math.log(frequency)) * (this.#idf[index] ?? 1));
    }
    const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
    return { indices: Int32Array.from(indices), values: Float64Array.from(values, (value) => value / norm) };
  }

  #vectorize(text: string): { vector: SparseVector; unknownShare: number; knownWords: number } {
    const features = extractFeatures(text, this.#features);
    let unknown = 0;
    let total = 0;
    let knownWords = 0;
    for (const [name, weight] of features) {
      if (!name.startsWith('w:')) continue;
      total += weight;
      if (this.#vocabulary.has(name)) knownWords += 1;
      else unknown += weight;
    }
    // No content words at all ("hi there") is vague rather than out of scope.
    return { vector: this.#weigh(features), unknownShare: total === 0 ? 0 : unknown / total, knownWords };
  }

  /** Blended agent scores; `excludeDocument` leaves one document out (for calibration). */
  #scores(
    vector: SparseVector,
    excludeDocument: number,
  ): { agentScores: Float64Array; bestSimilarity: number } {
    const documentScores = new Map<number, number>();
    const centroidScores = new Float64Array(this.agents.length);
    vector.indices.forEach((feature, position) => {
      const weight = vector.values[position] ?? 0;
      for (const [document, value] of this.#documentPostings[feature] ?? []) {
        if (document === excludeDocument) continue;
        documentScores.set(document, (documentScores.get(document) ?? 0) + weight * value);
      }
      for (const [agent, value] of this.#centroidPostings[feature] ?? [])
        centroidScores[agent] = (centroidScores[agent] ?? 0) + weight * value;
    });
    if (excludeDocument >= 0) {
      // Leave the document out of its own agent's centroid too: with q the document's unit vector,
      // q·(C − q) = S − 1 and |C − q|² = N² − 2S + 1, where S = q·C and N = |C|.
      const agent = this.#documentAgent[excludeDocument] ?? 0;
      const norm = this.#centroidNorms[agent] ?? 1;
      const dot = (centroidScores[agent] ?? 0) * norm;
      const remaining = Math.sqrt(Math.max(1e-9, norm * norm - 2 * dot + 1));
      centroidScores[agent] = (dot - 1) / remaining;
    }
    // Nearest examples: mean of each agent's two best matches, which is steadier than the single best.
    const best = this.agents.map(() => [0, 0]);
    let bestSimilarity = 0;
    for (const [document, score] of documentScores) {
      bestSimilarity = Math.max(bestSimilarity, score);
      const top = best[this.#documentAgent[document] ?? 0]!;
      if (score > top[0]!) {
        top[1] = top[0]!;
        top[0] = score;
      } else if (score > top[1]!) top[1] = score;
    }
    const agentScores = new Float64Array(this.agents.length);
    for (let agent = 0; agent < this.agents.length; agent++) {
      const [first = 0, second = 0] = best[agent]!;
      agentScores[agent] =
        this.#centroidWeight * (centroidScores[agent] ?? 0) +
        (1 - this.#centroidWeight) * ((first + second) / 2);
    }
    return { agentScores, bestSimilarity };
  }

  #softmax(scores: Float64Array, temperature: number): Float64Array {
    let max = -Infinity;
    for (const score of scores) max = Math.max(max, score);
    const exponentials = Float64Array.from(scores, (score) => Math.exp((score - max) / temperature));
    const sum = exponentials.reduce((total, value) => total + value, 0);
    return exponentials.map((value) => value / sum);
  }

  #toRanking(
    scores: Float64Array,
    bestSimilarity: number,
    unknownShare: number,
    knownWords: number,
    limit: number,
  ): Ranking {
    const probabilities = this.#softmax(scores, this.temperature);
    const order = [...scores.keys()].sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0)).slice(0, limit);
    return {
      ranked: order.map((agent) => ({
        agent: this.agents[agent]!,
        confidence: probabilities[agent] ?? 0,
        score: scores[agent] ?? 0,
      })),
      bestSimilarity,
      unknownShare,
      knownWords,
    };
  }

  /**
   * Chooses the softmax temperature that best predicts held-out examples (each example scored
   * with itself left out), so a confidence of 0.8 means right about 80% of the time.
   */
  #fitTemperature(profiles: readonly AgentProfile[]): number {
    const heldOut: Array<{ scores: Float64Array; agent: number }> = [];
    let documentIndex = 0;
    profiles.forEach((profile, agent) => {
      documentIndex += 1; // the description
      for (const example of profile.examples) {
        const { vector } = this.#vectorize(example);
        heldOut.push({ scores: this.#scores(vector, documentIndex).agentScores, agent });
        documentIndex += 1;
      }
      if (profile.instructions && this.#instructionWeight > 0) documentIndex += 1;
    });
    if (heldOut.length === 0) return 0.05;
    let bestTemperature = 0.05;
    let bestLoss = Infinity;
    for (let temperature = 0.005; temperature <= 0.3; temperature *= 1.15) {
      let loss = 0;
      for (const { scores, agent } of heldOut)
        loss -= Math.log(Math.max(1e-12, this.#softmax(scores, temperature)[agent] ?? 0));
      if (loss < bestLoss) {
        bestLoss = loss;
        bestTemperature = temperature;
      }
    }
    return bestTemperature;
  }
}
