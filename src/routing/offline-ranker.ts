import type { AgentProfile } from './agent-profile.ts';
import { fitTemperature, softmax } from './confidence-calibration.ts';
import { FeatureSpace } from './feature-space.ts';
import { SimilarityIndex } from './similarity-index.ts';
import {
  defaultSoftmaxRegressionOptions,
  SoftmaxRegression,
  type SoftmaxRegressionOptions,
  type TrainingExample,
} from './softmax-regression.ts';
import type { SparseVector } from './sparse-vector.ts';
import { stripNegatedClauses } from './strip-negated-clauses.ts';
import { defaultFeatureOptions, type FeatureOptions } from './text-features.ts';

export type { AgentProfile } from './agent-profile.ts';

/**
 * `softmax-regression`: multinomial logistic regression over the features (the default, best
 * on the eval). `similarity`: TF-IDF cosine to each agent's centroid blended with its nearest
 * examples (no training loop; kept for comparison and for very large rosters).
 */
export type RankerMethod = 'softmax-regression' | 'similarity';

export interface OfflineRankerOptions {
  readonly method?: RankerMethod;
  readonly features?: FeatureOptions;
  readonly regression?: SoftmaxRegressionOptions;
  /** Similarity method: weight of the centroid against the nearest examples. */
  readonly centroidWeight?: number;
  /** Similarity method: how many of an agent's most similar examples are averaged. */
  readonly neighbours?: number;
  /** Fixed softmax temperature; fitted on held-out examples when absent. */
  readonly temperature?: number;
  /**
   * Regression: how strongly a request with little known evidence (few or common words) is
   * damped towards an even spread, 0 (off) to 1. Without it a two-word request, normalised to
   * unit length, looks as sure as a sentence.
   */
  readonly evidenceDamping?: number;
  /**
   * Regression with more agents than this: each training text is contrasted only with this many
   * agents most similar to it (its own included), which keeps training linear in the roster.
   */
  readonly candidateLimit?: number;
  /** Folds for fitting the temperature of the regression (each fold is held out once). */
  readonly calibrationFolds?: number;
}

export interface RankedAgent {
  readonly agent: string;
  /** Calibrated probability that this agent is the right one, given that some agent is. */
  readonly confidence: number;
}

export interface Ranking {
  /** Best first, at most the requested number. */
  readonly candidates: readonly RankedAgent[];
  /**
   * Share of the request's content words that occur nowhere in the roster's descriptions and
   * examples, 0..1 (1 for a request without content words). High means the roster has no
   * vocabulary for the request: likely out of scope.
   */
  readonly unknownShare: number;
  /** Content words of the request that the roster's texts use. Few means the request is vague. */
  readonly knownWords: number;
  /** Content words of the request (stop words and filler like "thing" left out). */
  readonly words: number;
  /** Highest cosine similarity of the request to any agent's centroid, 0..1. */
  readonly bestSimilarity: number;
}

interface TrainingDocument {
  readonly agent: number;
  readonly text: string;
  /** Examples rotate through calibration folds; descriptions always train. */
  readonly fold: number;
}

/**
 * The offline router model: trained at start-up from each agent's name, description and example
 * requests, deciding in microseconds without a network or a model. Immutable; retrain to change
 * the roster.
 */
export class OfflineRanker {
  readonly agents: readonly string[];
  readonly method: RankerMethod;
  readonly temperature: number;
  readonly #space: FeatureSpace;
  readonly #similarity: SimilarityIndex;
  readonly #regression: SoftmaxRegression | undefined;
  readonly #centroidWeight: number;
  readonly #evidenceDamping: number;
  /** Agent indexes as strings, for picking the top agents by index. */
  readonly #agentIndexNames: readonly string[];
  /** Median pre-normalisation norm of the training texts: the evidence of a typical request. */
  readonly #referenceNorm: number;

  constructor(profiles: readonly AgentProfile[], options: OfflineRankerOptions = {}) {
    this.agents = profiles.map((profile) => profile.name);
    this.#agentIndexNames = profiles.map((_, index) => String(index));
    this.method = options.method ?? 'softmax-regression';
    this.#centroidWeight = options.centroidWeight ?? 0.5;
    const folds = Math.max(2, options.calibrationFolds ?? 3);
    const documents = trainingDocuments(profiles, folds);
    this.#space = new FeatureSpace(
      documents.map((document) => document.text),
      options.features ?? defaultFeatureOptions,
    );
    const vectorized = documents.map((document) => this.#space.vectorize(document.text));
    const norms = vectorized.map((entry) => entry.norm).sort((a, b) => a - b);
    this.#referenceNorm = norms[Math.floor(norms.length / 2)] ?? 1;
    this.#evidenceDamping = options.evidenceDamping ?? 1;
    const vectors = documents.map((document, index) => ({
      agent: document.agent,
      label: document.agent,
      vector: vectorized[index]?.vector ?? emptyVector,
      regressionVector: this.#damped(vectorized[index] ?? { vector: emptyVector, norm: 0 }),
    }));
    this.#similarity = new SimilarityIndex(
      vectors,
      this.agents.length,
      this.#space.size,
      options.neighbours ?? 2,
    );
    const regressionOptions = options.regression ?? defaultSoftmaxRegressionOptions;
    const candidateLimit = options.candidateLimit ?? 40;
    const examples: TrainingExample[] =
      this.method === 'softmax-regression'
        ? vectors.map((entry) => ({
            label: entry.label,
            vector: entry.regressionVector,
            ...(this.agents.length > candidateLimit
              ? { candidates: this.#confusable(entry.vector, entry.label, candidateLimit) }
              : {}),
          }))
        : [];
    this.#regression =
      this.method === 'softmax-regression'
        ? new SoftmaxRegression(examples, this.agents.length, this.#space.size, regressionOptions)
        : undefined;

    if (options.temperature !== undefined) {
      this.temperature = options.temperature;
    } else if (this.method === 'similarity') {
      // Leave-one-out: each example scored with itself removed from the neighbours.
      const heldOut = documents.flatMap((document, index) =>
        document.fold < 0
          ? []
          : [
              {
                scores: this.#similarityScores(vectors[index]?.vector ?? emptyVector, index),
                label: document.agent,
              },
            ],
      );
      this.temperature = fitTemperature(heldOut);
    } else {
      // k-fold: a regression trained without a fold scores that fold, so the fitted temperature
      // reflects requests the model has not seen rather than its own training examples.
      const heldOut: Array<{ scores: Float64Array; label: number }> = [];
      // Large rosters hold out one fold only: enough examples to fit one number, a third of the cost.
      const heldOutFolds = this.agents.length > candidateLimit ? 1 : folds;
      for (let fold = 0; fold < heldOutFolds; fold++) {
        const training = examples.filter((_, index) => documents[index]?.fold !== fold);
        const model = new SoftmaxRegression(
          training,
          this.agents.length,
          this.#space.size,
          regressionOptions,
        );
        examples.forEach((example, index) => {
          if (documents[index]?.fold === fold)
            heldOut.push({ scores: model.logits(example.vector), label: example.label });
        });
      }
      this.temperature = fitTemperature(heldOut);
    }
  }

  /** Ranks the agents for a request; `limit` caps the candidates returned. */
  rank(text: string, limit = 5): Ranking {
    const vectorized = this.#space.vectorize(text);
    const { vector, knownWords, words } = vectorized;
    let centroid: Float64Array;
    let scores: Float64Array;
    if (this.#regression === undefined) {
      const similarity = this.#similarity.score(vector);
      centroid = similarity.centroid;
      scores = this.#blend(similarity.centroid, similarity.nearest);
    } else {
      centroid = this.#similarity.centroidScores(vector);
      scores = this.#regression.logits(this.#damped(vectorized));
    }
    const probabilities = softmax(scores, this.temperature);
    let bestSimilarity = 0;
    for (const value of centroid) bestSimilarity = Math.max(bestSimilarity, value);
    return {
      candidates: topCandidates(probabilities, this.agents, limit),
      unknownShare: words === 0 ? 1 : 1 - knownWords / words,
      knownWords,
      words,
      bestSimilarity,
    };
  }

  /** The agents most similar to a training text, plus its own: the classes it is trained against. */
  #confusable(vector: SparseVector, label: number, limit: number): Int32Array {
    const scores = this.#similarity.centroidScores(vector);
    const chosen = topCandidates(scores, this.#agentIndexNames, limit).map((candidate) =>
      Number(candidate.agent),
    );
    if (!chosen.includes(label)) chosen[chosen.length - 1] = label;
    return Int32Array.from(chosen);
  }

  #damped(vectorized: { readonly vector: SparseVector; readonly norm: number }): SparseVector {
    if (this.#evidenceDamping === 0) return vectorized.vector;
    const factor = Math.min(1, vectorized.norm / this.#referenceNorm) ** this.#evidenceDamping;
    if (factor === 1) return vectorized.vector;
    return {
      indices: vectorized.vector.indices,
      values: vectorized.vector.values.map((value) => value * factor),
    };
  }

  #similarityScores(vector: SparseVector, excludedDocument: number): Float64Array {
    const similarity = this.#similarity.score(vector, excludedDocument);
    return this.#blend(similarity.centroid, similarity.nearest);
  }

  #blend(centroid: Float64Array, nearest: Float64Array): Float64Array {
    const weight = this.#centroidWeight;
    return centroid.map((value, agent) => weight * value + (1 - weight) * (nearest[agent] ?? 0));
  }
}

const emptyVector: SparseVector = { indices: new Int32Array(0), values: new Float64Array(0) };

function trainingDocuments(profiles: readonly AgentProfile[], folds: number): TrainingDocument[] {
  const documents: TrainingDocument[] = [];
  profiles.forEach((profile, agent) => {
    documents.push({
      agent,
      text: `${profile.name.replaceAll('-', ' ')}. ${stripNegatedClauses(profile.description)}`,
      fold: -1,
    });
    profile.examples.forEach((example, index) =>
      documents.push({ agent, text: example, fold: index % folds }),
    );
  });
  return documents;
}

function topCandidates(probabilities: Float64Array, agents: readonly string[], limit: number): RankedAgent[] {
  const top: RankedAgent[] = [];
  for (let agent = 0; agent < probabilities.length; agent++) {
    const confidence = probabilities[agent] ?? 0;
    if (top.length === limit && confidence <= (top[top.length - 1]?.confidence ?? 0)) continue;
    let position = top.length;
    while (position > 0 && (top[position - 1]?.confidence ?? 0) < confidence) position--;
    top.splice(position, 0, { agent: agents[agent] ?? '', confidence });
    if (top.length > limit) top.pop();
  }
  return top;
}
