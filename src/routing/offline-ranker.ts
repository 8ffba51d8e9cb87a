import { createHash } from 'node:crypto';
import type { AgentProfile } from './agent-profile.ts';
import { fitTemperature, softmax } from './confidence-calibration.ts';
import { FeatureSpace } from './feature-space.ts';
import {
  ExampleAlignment,
  fitRerankWeights,
  maxComparedWords,
  rerankFeatureCount,
  rerankProbabilities,
  type AlignmentRequest,
  type RerankAgentTexts,
  type RerankGroup,
} from './example-reranker.ts';
import { SimilarityIndex } from './similarity-index.ts';
import {
  defaultSoftmaxRegressionOptions,
  SoftmaxRegression,
  type SoftmaxRegressionOptions,
  type Projection,
  type SoftmaxRegressionParameters,
  type TrainingExample,
} from './softmax-regression.ts';
import type { SparseVector } from './sparse-vector.ts';
import { stripNegatedClauses } from './strip-negated-clauses.ts';
import { defaultFeatureOptions, isStopWord, tokens, type FeatureOptions } from './text-features.ts';
import { stem } from './porter-stemmer.ts';

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
   * damped towards an even spread, 0 (off) to 1 (default 0.5, chosen by cross-validation and the
   * eval's development half). Without it a two-word request, normalised to unit length, looks as
   * sure as a sentence.
   */
  readonly evidenceDamping?: number;
  /**
   * Regression with more agents than this: each training text is contrasted only with this many
   * agents most similar to it (its own included), which keeps training linear in the roster.
   */
  readonly candidateLimit?: number;
  /** Folds for fitting the temperature of the regression (each fold is held out once). */
  readonly calibrationFolds?: number;
  /**
   * Pretrained word vectors: the regression also sees the request's IDF-weighted mean word
   * vector, so words no example uses still count by their meaning ("containerise" near "deploy").
   */
  readonly wordVectors?: WordVectors;
  /** Weight of the mean word vector against the unit-length sparse features (default 1, chosen by cross-validation). */
  readonly wordVectorWeight?: number;
  /**
   * Requests no agent should take (small talk, errands, leisure). The regression learns them as
   * one more class, and `Ranking.outOfScope` is its probability. They do not add to the
   * vocabulary, so "unknown words" still means words the agents never use.
   */
  readonly outOfScope?: readonly string[];
  /**
   * How much the out-of-scope examples weigh together, in agents: 3 (the default, chosen on the eval development half) means as much as three average
   * agents' training texts, however many examples there are, so a small roster is not drowned.
   */
  readonly outOfScopeWeight?: number;
  /**
   * Where trained weights are kept between processes: training the default roster takes seconds,
   * restoring it milliseconds. Keyed by a hash of everything training reads.
   */
  readonly cache?: RankerCache;
  /**
   * Regression: when the ranker's top agent has less than `rerankBelow` of the probability (at
   * temperature 1), its top `rerankCandidates` are compared word by word with each agent's own
   * examples and description, and re-ordered by weights learnt on the calibration folds
   * (example-reranker.ts). Fewer than 2 candidates turns it off; at most 10. Defaults 3 and 0.7,
   * chosen on cross-validation and the development sets (decision 0004).
   */
  readonly rerankCandidates?: number;
  readonly rerankBelow?: number;
  /** Called before training starts (not when the cache had the ranker): for a progress line. */
  readonly onTrain?: (agentCount: number) => void;
}

/** A byte store for trained rankers (see `createFileRankerCache`). Failures must not throw. */
export interface RankerCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
  /** Whether `get` would find something, without reading it (`get` is used when absent). */
  has?(key: string): boolean;
}

/**
 * Bump when training changes in a way the cache key cannot see (the algorithm, not its inputs),
 * so rankers trained by an older Nova are not restored.
 */
const trainedFormatVersion = 6;

/** Every training setting with its default filled in: what training uses and what the cache key holds. */
interface TrainingSettings {
  readonly method: RankerMethod;
  readonly features: FeatureOptions;
  readonly regression: SoftmaxRegressionOptions;
  readonly centroidWeight: number;
  readonly neighbours: number;
  readonly temperature: number | null;
  readonly evidenceDamping: number;
  readonly candidateLimit: number;
  readonly calibrationFolds: number;
  readonly wordVectorWeight: number;
  readonly outOfScopeWeight: number;
  readonly rerankCandidates: number;
  readonly rerankBelow: number;
}

function trainingSettings(options: OfflineRankerOptions): TrainingSettings {
  return {
    method: options.method ?? 'softmax-regression',
    features: options.features ?? defaultFeatureOptions,
    regression: options.regression ?? defaultSoftmaxRegressionOptions,
    centroidWeight: options.centroidWeight ?? 0.5,
    neighbours: options.neighbours ?? 2,
    temperature: options.temperature ?? null,
    evidenceDamping: options.evidenceDamping ?? 0.5,
    candidateLimit: options.candidateLimit ?? 40,
    calibrationFolds: Math.max(2, options.calibrationFolds ?? 3),
    wordVectorWeight: options.wordVectorWeight ?? 1,
    outOfScopeWeight: options.outOfScopeWeight ?? 3,
    ...rerankSettings(options),
  };
}
const trainedMagic = 'NOVARK3\n';

/** At most this many candidates get a second look: training compares each held-out text with each. */
const maxRerankCandidates = 10;

/**
 * The second look's settings, normalised so that equal behaviour means an equal cache key:
 * fewer than 2 candidates is off (0 candidates, threshold 0); a threshold that is not a number
 * is the default.
 */
function rerankSettings(options: OfflineRankerOptions): { rerankCandidates: number; rerankBelow: number } {
  const requested = options.rerankCandidates ?? 3;
  const candidates = Number.isFinite(requested)
    ? Math.min(maxRerankCandidates, Math.max(0, Math.floor(requested)))
    : 3;
  if (candidates < 2 || options.method === 'similarity') return { rerankCandidates: 0, rerankBelow: 0 };
  const below = options.rerankBelow ?? 0.7;
  return { rerankCandidates: candidates, rerankBelow: Number.isFinite(below) ? below : 0.7 };
}

/** A lookup of pretrained word vectors (lower-case, accent-folded words). */
export interface WordVectors {
  /** Identifies the vectors' content (a hash), so a trained ranker can be cached; none: no caching. */
  readonly id?: string;
  readonly dimensions: number;
  /** The word's vector, or undefined for an unknown word. Callers must not change it. */
  vector(word: string): Float32Array | undefined;
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
  /**
   * Probability that the request is like the out-of-scope examples rather than any agent's,
   * 0..1 (0 when the ranker has none). Candidates' confidences are conditional on it not being.
   */
  readonly outOfScope: number;
  /**
   * Whether the ranker was unsure and took a second look: its top candidates were compared
   * with each agent's examples and their probabilities shared out again (the order may stay).
   */
  readonly reranked: boolean;
}

interface TrainingDocument {
  readonly agent: number;
  readonly text: string;
  /** Examples rotate through calibration folds; descriptions always train. */
  readonly fold: number;
  /** Position among its agent's examples; -1 for the description. */
  readonly example: number;
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
  readonly #wordVectors: WordVectors | undefined;
  readonly #wordVectorWeight: number;
  readonly #unseenIdf: number;
  /** Word-vector projections through the regression, by word (see `#projection`). */
  readonly #projections = new Map<string, Projection>();
  /** Class index of the out-of-scope examples, when there are any. */
  readonly #outOfScopeClass: number | undefined;
  /**
   * What the second look at unsure rankings compares with, when the regression has one (see
   * `rerankCandidates`); indexed on first use (~0.1 s for the default roster), so restoring a
   * ranker for one confident request does not pay for it.
   */
  readonly #alignmentTexts: readonly RerankAgentTexts[] | undefined;
  #alignmentIndex: ExampleAlignment | undefined;
  #rerankWeights: Float64Array | undefined;
  readonly #rerankCandidates: number;
  readonly #rerankBelow: number;

  constructor(profiles: readonly AgentProfile[], options: OfflineRankerOptions = {}) {
    this.agents = profiles.map((profile) => profile.name);
    this.#agentIndexNames = profiles.map((_, index) => String(index));
    const settings = trainingSettings(options);
    this.method = settings.method;
    this.#centroidWeight = settings.centroidWeight;
    const folds = settings.calibrationFolds;
    const documents = trainingDocuments(profiles, folds);
    const fitted = FeatureSpace.fit(
      documents.map((document) => document.text),
      settings.features,
    );
    this.#space = fitted.space;
    const vectorized = fitted.vectors;
    const norms = vectorized.map((entry) => entry.norm).sort((a, b) => a - b);
    this.#referenceNorm = norms[Math.floor(norms.length / 2)] ?? 1;
    this.#evidenceDamping = settings.evidenceDamping;
    this.#wordVectors = options.wordVectors;
    this.#wordVectorWeight = settings.wordVectorWeight;
    this.#unseenIdf = this.#space.maxIdf;
    const outOfScope = (options.outOfScope ?? []).filter((text) => text.trim() !== '');
    this.#outOfScopeClass =
      outOfScope.length > 0 && this.method === 'softmax-regression' ? this.agents.length : undefined;
    const vectors = documents.map((document, index) => ({
      agent: document.agent,
      vector: vectorized[index]?.vector ?? emptyVector,
    }));
    this.#similarity = new SimilarityIndex(
      vectors,
      this.agents.length,
      this.#space.size,
      settings.neighbours,
    );
    this.#rerankCandidates = settings.rerankCandidates;
    this.#rerankBelow = settings.rerankBelow;
    this.#alignmentTexts =
      this.method === 'softmax-regression' && settings.rerankCandidates > 1
        ? alignmentTexts(profiles.length, documents)
        : undefined;
    const regressionOptions = settings.regression;
    const candidateLimit = settings.candidateLimit;
    const classes = this.agents.length + (this.#outOfScopeClass === undefined ? 0 : 1);

    const cacheKey = options.cache
      ? cacheKeyOf(documents, outOfScope, settings, this.#wordVectors)
      : undefined;
    const restored =
      cacheKey === undefined
        ? undefined
        : decodeTrained(options.cache?.get(cacheKey), classes, this.#featureCount);
    if (restored) {
      this.#regression = SoftmaxRegression.restore(classes, this.#featureCount, restored);
      this.temperature = options.temperature ?? restored.temperature;
      this.#rerankWeights = restored.rerank;
      return;
    }

    if (this.method === 'softmax-regression') options.onTrain?.(this.agents.length);
    const limited = this.agents.length > candidateLimit;
    const examples: TrainingExample[] =
      this.method === 'softmax-regression'
        ? documents.map((document, index) => ({
            label: document.agent,
            vector: this.#regressionVector(
              document.text,
              vectorized[index] ?? { vector: emptyVector, norm: 0 },
            ),
            ...(limited
              ? {
                  candidates: this.#confusable(
                    vectorized[index]?.vector ?? emptyVector,
                    document.agent,
                    candidateLimit,
                  ),
                }
              : {}),
          }))
        : [];
    // Out-of-scope examples: one more class, rotating through the calibration folds like examples.
    const exampleFolds = documents.map((document) => document.fold);
    const outOfScopeClass = this.#outOfScopeClass;
    if (outOfScopeClass !== undefined) {
      const perAgent = documents.length / Math.max(1, this.agents.length);
      const weight = (settings.outOfScopeWeight * perAgent) / outOfScope.length;
      outOfScope.forEach((text, index) => {
        const vectorized = this.#space.vectorize(text);
        examples.push({
          label: outOfScopeClass,
          weight,
          vector: this.#regressionVector(text, vectorized),
          ...(limited
            ? { candidates: this.#confusable(vectorized.vector, outOfScopeClass, candidateLimit) }
            : {}),
        });
        exampleFolds.push(index % folds);
      });
    }
    this.#regression =
      this.method === 'softmax-regression'
        ? new SoftmaxRegression(examples, classes, this.#featureCount, regressionOptions)
        : undefined;

    if (this.method === 'similarity' && options.temperature !== undefined) {
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
      // and the re-ranking weights reflect requests the model has not seen rather than its own
      // training examples.
      const heldOut: Array<{ scores: Float64Array; label: number }> = [];
      const rerankGroups: RerankGroup[] = [];
      // Large rosters hold out one fold only: enough examples to fit a few numbers, a third of the cost.
      const heldOutFolds = this.agents.length > candidateLimit ? 1 : folds;
      const needed = options.temperature === undefined || this.#alignmentTexts !== undefined;
      for (let fold = 0; needed && fold < heldOutFolds; fold++) {
        const training = examples.filter((_, index) => exampleFolds[index] !== fold);
        const model = new SoftmaxRegression(training, classes, this.#featureCount, regressionOptions);
        examples.forEach((example, index) => {
          if (exampleFolds[index] !== fold) return;
          const scores = model.logits(example.vector);
          heldOut.push({ scores, label: example.label });
          const text = documents[index]?.text;
          if (text !== undefined && example.label < this.agents.length) {
            const group = this.#rerankGroup(text, scores, example.label, documents[index]?.example ?? -1);
            if (group) rerankGroups.push(group);
          }
        });
      }
      this.temperature = options.temperature ?? fitTemperature(heldOut);
      if (this.#alignmentTexts) this.#rerankWeights = fitRerankWeights(rerankGroups);
    }
    if (cacheKey !== undefined && this.#regression)
      options.cache?.set(cacheKey, encodeTrained(this.#regression, this.temperature, this.#rerankWeights));
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
      scores = this.#regressionScores(this.#regression, text, vectorized);
    }
    let probabilities = softmax(scores, this.temperature);
    let outOfScope = 0;
    if (this.#outOfScopeClass !== undefined) {
      outOfScope = probabilities[this.#outOfScopeClass] ?? 0;
      const inScope = 1 - outOfScope || 1;
      probabilities = probabilities
        .subarray(0, this.agents.length)
        .map((probability) => probability / inScope);
    }
    const reranked = this.#rerank(text, scores, probabilities);
    let bestSimilarity = 0;
    for (const value of centroid) bestSimilarity = Math.max(bestSimilarity, value);
    return {
      outOfScope,
      reranked,
      candidates: topCandidates(probabilities, this.agents, limit),
      unknownShare: words === 0 ? 1 : 1 - knownWords / words,
      knownWords,
      words,
      bestSimilarity,
    };
  }

  /**
   * The second look's input for an unsure ranking: the top `rerankCandidates` agents (by their
   * probabilities at temperature 1, given that the request is for one of them) with a feature
   * row each, the log-probability first. Undefined when the best has `rerankBelow` or more, or
   * the request is not worth comparing (`comparable`). While fitting, `heldOut` is the example
   * the text is, which is left out of its own agent's comparison: it is compared with every
   * other example, as a request is when routing.
   */
  #secondLook(
    text: string,
    scores: Float64Array,
    heldOut?: { readonly agent: number; readonly example: number },
  ): { candidates: number[]; features: Float64Array[] } | undefined {
    const plain = softmax(scores.subarray(0, this.agents.length), 1);
    const top = topCandidates(plain, this.#agentIndexNames, this.#rerankCandidates);
    if ((top[0]?.confidence ?? 1) >= this.#rerankBelow || top.length < 2) return undefined;
    const alignment = this.#alignment();
    if (alignment === undefined) return undefined;
    const request = alignment.request(text);
    if (!comparable(request)) return undefined;
    const candidates = top.map((candidate) => Number(candidate.agent));
    const features = top.map((candidate, index) => {
      const row = new Float64Array(rerankFeatureCount);
      row[0] = Math.log(Math.max(candidate.confidence, 1e-9));
      const agent = candidates[index] ?? 0;
      row.set(alignment.features(request, agent, agent === heldOut?.agent ? heldOut.example : undefined), 1);
      return row;
    });
    return { candidates, features };
  }

  #alignment(): ExampleAlignment | undefined {
    if (this.#alignmentIndex === undefined && this.#alignmentTexts !== undefined)
      this.#alignmentIndex = new ExampleAlignment(this.#alignmentTexts, this.#wordVectors);
    return this.#alignmentIndex;
  }

  /**
   * A held-out example's re-ranking candidates, when the model trained without its fold was
   * unsure of it. `example` is its position among its agent's (`label`'s) examples.
   */
  #rerankGroup(text: string, scores: Float64Array, label: number, example: number): RerankGroup | undefined {
    const look = this.#secondLook(text, scores, { agent: label, example });
    return look && { features: look.features, label: look.candidates.indexOf(label) };
  }

  /**
   * Re-orders the top candidates of an unsure ranking in place: they keep the probability they
   * had together, shared out by the re-ranker. Returns whether it did.
   */
  #rerank(text: string, scores: Float64Array, probabilities: Float64Array): boolean {
    const weights = this.#rerankWeights;
    const look = weights && this.#secondLook(text, scores);
    if (weights === undefined || look === undefined) return false;
    const shares = rerankProbabilities(weights, look.features);
    let mass = 0;
    for (const agent of look.candidates) mass += probabilities[agent] ?? 0;
    look.candidates.forEach((agent, index) => {
      probabilities[agent] = mass * (shares[index] ?? 0);
    });
    return true;
  }

  /**
   * The agents most similar to a training text, plus its own class and the out-of-scope class:
   * the classes it is trained against.
   */
  #confusable(vector: SparseVector, label: number, limit: number): Int32Array {
    const scores = this.#similarity.centroidScores(vector);
    const chosen = topCandidates(scores, this.#agentIndexNames, limit).map((candidate) =>
      Number(candidate.agent),
    );
    if (!chosen.includes(label)) chosen[chosen.length - 1] = label;
    if (this.#outOfScopeClass !== undefined && !chosen.includes(this.#outOfScopeClass))
      chosen.push(this.#outOfScopeClass);
    return Int32Array.from(chosen);
  }

  get #featureCount(): number {
    return this.#space.size + (this.#wordVectors?.dimensions ?? 0);
  }

  /** The damped sparse features, followed by the weighted mean word vector when there are word vectors. */
  #regressionVector(
    text: string,
    vectorized: { readonly vector: SparseVector; readonly norm: number },
  ): SparseVector {
    const sparse = this.#damped(vectorized);
    const mean = this.#weightedMean(this.#weightedWords(text));
    const scale = this.#meanScale(mean, vectorized.norm);
    if (scale === 0) return sparse;
    const dimensions = mean.length;
    const offset = this.#space.size;
    const size = sparse.indices.length;
    const indices = new Int32Array(size + dimensions);
    const values = new Float64Array(size + dimensions);
    indices.set(sparse.indices);
    values.set(sparse.values);
    for (let dimension = 0; dimension < dimensions; dimension++) {
      indices[size + dimension] = offset + dimension;
      values[size + dimension] = (mean[dimension] ?? 0) * scale;
    }
    return { indices, values };
  }

  /**
   * The regression's scores for a request: the same numbers as scoring `#regressionVector`, but
   * the mean word vector enters as the weighted sum of each word's projection through the
   * weights (remembered per word) instead of 100 dimensions multiplied through every class and
   * hidden unit on each request.
   */
  #regressionScores(
    regression: SoftmaxRegression,
    text: string,
    vectorized: { readonly vector: SparseVector; readonly norm: number },
  ): Float64Array {
    const sparse = this.#damped(vectorized);
    const words = this.#weightedWords(text);
    const scale = this.#meanScale(this.#weightedMean(words), vectorized.norm);
    if (scale === 0) return regression.logits(sparse);
    let linear: Float64Array | undefined;
    let hidden: Float64Array | undefined;
    for (const { token, vector, weight } of words) {
      const projection = this.#projection(regression, token, vector);
      linear ??= new Float64Array(projection.linear.length);
      hidden ??= new Float64Array(projection.hidden.length);
      for (let index = 0; index < linear.length; index++)
        linear[index] = (linear[index] as number) + scale * weight * (projection.linear[index] as number);
      for (let index = 0; index < hidden.length; index++)
        hidden[index] = (hidden[index] as number) + scale * weight * (projection.hidden[index] as number);
    }
    if (linear === undefined || hidden === undefined) return regression.logits(sparse);
    return regression.logits(sparse, undefined, { linear, hidden });
  }

  /** The weighted sum of the words' vectors (its direction is the mean word vector's). */
  #weightedMean(words: ReadonlyArray<{ vector: Float32Array; weight: number }>): Float64Array {
    const mean = new Float64Array(this.#wordVectors?.dimensions ?? 0);
    for (const { vector, weight } of words)
      for (let dimension = 0; dimension < mean.length; dimension++)
        mean[dimension] = (mean[dimension] as number) + weight * (vector[dimension] ?? 0);
    return mean;
  }

  /**
   * What the weighted sum is multiplied by to become the request's dense features: unit length,
   * then damped like the sparse features (a two-word request is less sure than a sentence) and
   * weighted. 0 when the request has no word vectors.
   */
  #meanScale(mean: Float64Array, norm: number): number {
    let squares = 0;
    for (const value of mean) squares += value * value;
    return squares === 0 ? 0 : (this.#damping(norm) * this.#wordVectorWeight) / Math.sqrt(squares);
  }

  /**
   * The request's content words that have a word vector, each with its weight in the mean: its
   * IDF, or for words the roster never uses that of its rarest words, since they are what the
   * request is about.
   */
  #weightedWords(text: string): Array<{ token: string; vector: Float32Array; weight: number }> {
    const wordVectors = this.#wordVectors;
    if (wordVectors === undefined) return [];
    const words: Array<{ token: string; vector: Float32Array; weight: number }> = [];
    for (const token of tokens(text)) {
      if (isStopWord(token)) continue;
      const vector = wordVectors.vector(token);
      if (vector === undefined) continue;
      words.push({ token, vector, weight: this.#space.idfOf(`w:${stem(token)}`) ?? this.#unseenIdf });
    }
    return words;
  }

  /** A word vector's projection through the regression, remembered (bounded to ~16 MB). */
  #projection(regression: SoftmaxRegression, token: string, vector: Float32Array): Projection {
    const known = this.#projections.get(token);
    if (known) return known;
    const projection = regression.project(this.#space.size, vector);
    const bytes = (projection.linear.length + projection.hidden.length) * 8;
    if (this.#projections.size * bytes >= 16 * 1024 * 1024) this.#projections.clear();
    this.#projections.set(token, projection);
    return projection;
  }

  /** How much of a request's evidence counts: 1 for a typical request, less for a shorter one. */
  #damping(norm: number): number {
    return this.#evidenceDamping === 0 ? 1 : Math.min(1, norm / this.#referenceNorm) ** this.#evidenceDamping;
  }

  #damped(vectorized: { readonly vector: SparseVector; readonly norm: number }): SparseVector {
    const factor = this.#damping(vectorized.norm);
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
      example: -1,
    });
    profile.examples.forEach((example, index) =>
      documents.push({ agent, text: example, fold: index % folds, example: index }),
    );
  });
  return documents;
}

/**
 * Whether a request is worth a second look: it has content words to compare (without any, the
 * comparison says nothing) and not more than `maxComparedWords` (a pasted document).
 */
function comparable(request: AlignmentRequest): boolean {
  return request.tokens.length > 0 && request.tokens.length <= maxComparedWords;
}

/** Each agent's description and examples, from the training documents (one pass). */
function alignmentTexts(agents: number, documents: readonly TrainingDocument[]): RerankAgentTexts[] {
  const texts = Array.from({ length: agents }, () => ({
    description: '',
    examples: [] as string[],
  }));
  for (const document of documents) {
    const entry = texts[document.agent];
    if (entry === undefined) continue;
    if (document.example < 0) entry.description = document.text;
    else entry.examples.push(document.text);
  }
  return texts;
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

/**
 * The key a ranker for these agents and options is cached under (what training reads, hashed),
 * or undefined when it cannot be cached (the similarity method, word vectors without an id).
 */
export function rankerCacheKey(
  profiles: readonly AgentProfile[],
  options: OfflineRankerOptions,
): string | undefined {
  const settings = trainingSettings(options);
  return cacheKeyOf(
    trainingDocuments(profiles, settings.calibrationFolds),
    (options.outOfScope ?? []).filter((text) => text.trim() !== ''),
    settings,
    options.wordVectors,
  );
}

/**
 * Whether a ranker for these agents and options is in `options.cache`, so that building it
 * restores instead of training. False without a cache, or when the ranker cannot be cached.
 */
export function isRankerCached(profiles: readonly AgentProfile[], options: OfflineRankerOptions): boolean {
  const cache = options.cache;
  if (cache === undefined) return false;
  const key = rankerCacheKey(profiles, options);
  return key !== undefined && cacheHolds(cache, key);
}

/** Whether `cache` has an entry for `key`, without reading it when the cache can say so. */
export function cacheHolds(cache: RankerCache, key: string): boolean {
  return cache.has ? cache.has(key) : cache.get(key) !== undefined;
}

/** The cache key of a trained regression; undefined when it cannot be cached (similarity method, vectors without an id). */
function cacheKeyOf(
  documents: readonly TrainingDocument[],
  outOfScope: readonly string[],
  settings: TrainingSettings,
  wordVectors: WordVectors | undefined,
): string | undefined {
  if (settings.method !== 'softmax-regression' || (wordVectors && !wordVectors.id)) return undefined;
  return trainedCacheKey(documents, outOfScope, settings, wordVectors?.id);
}

function trainedCacheKey(
  documents: readonly TrainingDocument[],
  outOfScope: readonly string[],
  settings: TrainingSettings,
  wordVectorsId: string | undefined,
): string {
  // The settings have their defaults filled in: a ranker trained under older defaults must not be
  // restored after the defaults change.
  return createHash('sha256')
    .update(
      JSON.stringify({
        version: trainedFormatVersion,
        settings,
        wordVectorsId: wordVectorsId ?? null,
        documents: documents.map((document) => [document.agent, document.fold, document.text]),
        outOfScope,
      }),
    )
    .digest('hex');
}

function encodeTrained(
  regression: SoftmaxRegression,
  temperature: number,
  rerank: Float64Array | undefined,
): Uint8Array {
  const { weights, bias, hidden } = regression.parameters;
  const header = Buffer.alloc(32);
  header.write(trainedMagic, 0, 'latin1');
  header.writeUInt32LE(bias.length, 8);
  header.writeUInt32LE(weights.length, 12);
  header.writeDoubleLE(temperature, 16);
  header.writeUInt32LE(hidden?.units ?? 0, 24);
  header.writeUInt32LE(rerank?.length ?? 0, 28);
  const bytes = (array: Float32Array | Float64Array) =>
    Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  return Buffer.concat([
    header,
    bytes(bias),
    bytes(weights),
    ...(rerank ? [bytes(rerank)] : []),
    ...(hidden ? [bytes(hidden.inBias), bytes(hidden.inWeights), bytes(hidden.outWeights)] : []),
  ]);
}

/** The cached weights, or undefined when absent or not for this shape (then the ranker trains). */
function decodeTrained(
  bytes: Uint8Array | undefined,
  classes: number,
  featureCount: number,
): (SoftmaxRegressionParameters & { temperature: number; rerank?: Float64Array }) | undefined {
  if (bytes === undefined || bytes.byteLength < 32) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.toString('latin1', 0, 8) !== trainedMagic) return undefined;
  const biasLength = buffer.readUInt32LE(8);
  const weightsLength = buffer.readUInt32LE(12);
  const temperature = buffer.readDoubleLE(16);
  const units = buffer.readUInt32LE(24);
  const rerankLength = buffer.readUInt32LE(28);
  if (
    biasLength !== classes ||
    weightsLength !== classes * featureCount ||
    units > 4096 ||
    (rerankLength !== 0 && rerankLength !== rerankFeatureCount) ||
    buffer.byteLength !==
      32 +
        (biasLength + rerankLength + units) * 8 +
        (weightsLength + units * featureCount + units * classes) * 4 ||
    !(temperature > 0)
  )
    return undefined;
  // Copies: the typed arrays need aligned, owned memory.
  let offset = 32;
  const take = <T extends Float32Array | Float64Array>(array: T): T => {
    Buffer.from(array.buffer).set(buffer.subarray(offset, offset + array.byteLength));
    offset += array.byteLength;
    return array;
  };
  const bias = take(new Float64Array(biasLength));
  const weights = take(new Float32Array(weightsLength));
  const rerank = rerankLength === 0 ? undefined : take(new Float64Array(rerankLength));
  if (rerank?.some((weight) => !Number.isFinite(weight))) return undefined;
  const reranking = rerank === undefined ? {} : { rerank };
  if (units === 0) return { weights, bias, temperature, ...reranking };
  const inBias = take(new Float64Array(units));
  const inWeights = take(new Float32Array(units * featureCount));
  const outWeights = take(new Float32Array(units * classes));
  return { weights, bias, temperature, ...reranking, hidden: { units, inBias, inWeights, outWeights } };
}
