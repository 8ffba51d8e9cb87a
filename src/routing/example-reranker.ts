import type { WordVectors } from './offline-ranker.ts';
import { stem } from './porter-stemmer.ts';
import { isStopWord, tokens } from './text-features.ts';
import { unitLength } from './unit-length.ts';

/**
 * The second look the offline ranker takes when it is unsure: each of its top candidates is
 * compared word by word with that agent's own description and example requests, and a small
 * model learnt from held-out examples weighs the comparison against the ranker's score.
 *
 * The ranker reads a request as one bag of words and one averaged word vector, so a request that
 * shares topic words with one agent's examples ("the folder of the api project") can outvote a
 * request that says, in other words, what another agent's examples ask for. Aligning each word
 * of the request with its closest word in an example (exact stems count 1, other words the
 * square of their vectors' cosine) measures how much of the request one example covers and how
 * much of that example the request covers, which the mean vector cannot. See decision 0004.
 */

/** What is compared for each candidate, after the ranker's log-probability. */
export const alignmentFeatureNames = [
  'best example',
  'best three examples',
  'description',
  'best example coverage',
  'opening word',
] as const;

/** Features per candidate: the ranker's log-probability, then the alignment features. */
export const rerankFeatureCount = 1 + alignmentFeatureNames.length;

/** A text to align with: word indexes into its agent's word list, with their IDF weights. */
interface AlignedText {
  readonly words: Int32Array;
  readonly weights: Float64Array;
  readonly totalWeight: number;
  /** Index of its first content word, or -1. */
  readonly opening: number;
}

/** One request word against one agent (see `ExampleAlignment.#row`). */
interface WordMatches {
  /** Its similarity to each of the agent's words. */
  readonly words: Float32Array;
  /** Its best match in each of the agent's examples, then in its description. */
  readonly texts: Float32Array;
}

interface AgentTexts {
  /** The agent's distinct content words (lower-cased tokens). */
  readonly tokens: readonly string[];
  readonly stems: readonly string[];
  /** Unit-length word vectors, `dimensions` per word; a zero row for a word without one. */
  readonly vectors: Float32Array;
  readonly description: AlignedText;
  readonly examples: readonly AlignedText[];
}

/**
 * Requests with more distinct content words than this (a pasted document) are not compared:
 * the comparison grows with request words × agent words, and such a request is no short
 * request the examples could resemble.
 */
export const maxComparedWords = 64;

/** A request prepared once for comparing with several agents. */
export interface AlignmentRequest {
  readonly tokens: readonly string[];
  readonly stems: readonly string[];
  readonly weights: Float64Array;
  readonly totalWeight: number;
  /** A unit-length vector per word; undefined for a word without one. */
  readonly vectors: ReadonlyArray<Float32Array | undefined>;
}

export interface RerankAgentTexts {
  readonly description: string;
  readonly examples: readonly string[];
}

/**
 * How many numbers the cached rows (one per request word and agent: a similarity per agent word,
 * a best match per agent text) hold at most: 16 MB, plus their keys (a word each; requests are
 * capped at `maxComparedWords` words).
 */
const maxCachedSimilarities = 4_000_000;
/** How many words' unit-length vectors are kept (words the vectors know: ≤ ~20 MB at 100 dimensions). */
const maxCachedUnits = 50_000;
/** How many of the best matches between first words are averaged. */
const openingCount = 5;

function harmonicMean(a: number, b: number): number {
  return a + b === 0 ? 0 : (2 * a * b) / (a + b);
}

/** Word-by-word comparison of requests with each agent's description and examples. */
export class ExampleAlignment {
  readonly #agents: AgentTexts[];
  readonly #idf = new Map<string, number>();
  readonly #unseenIdf: number;
  readonly #wordVectors: WordVectors | undefined;
  readonly #dimensions: number;
  /** A request word's similarities to an agent's words and texts, by `${agent} ${token}`. */
  readonly #rows = new Map<string, WordMatches>();
  #cachedSimilarities = 0;
  /** Unit-length word vectors by token (words the vectors know). */
  readonly #units = new Map<string, Float32Array>();

  constructor(agents: readonly RerankAgentTexts[], wordVectors?: WordVectors) {
    this.#wordVectors = wordVectors;
    this.#dimensions = wordVectors?.dimensions ?? 0;
    const documentFrequency = new Map<string, number>();
    let documents = 0;
    const contentTokens = (text: string) => tokens(text).filter((token) => !isStopWord(token));
    for (const agent of agents) {
      for (const text of [agent.description, ...agent.examples]) {
        documents += 1;
        for (const word of new Set(contentTokens(text).map(stem)))
          documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
      }
    }
    for (const [word, frequency] of documentFrequency)
      this.#idf.set(word, Math.log((documents + 1) / (frequency + 1)) + 1);
    this.#unseenIdf = Math.log(documents + 1) + 1;

    this.#agents = agents.map((agent) => {
      const index = new Map<string, number>();
      const agentTokens: string[] = [];
      const align = (text: string): AlignedText => {
        const words = contentTokens(text).map((token) => {
          let position = index.get(token);
          if (position === undefined) {
            position = agentTokens.length;
            index.set(token, position);
            agentTokens.push(token);
          }
          return position;
        });
        return this.#aligned(words, (position) => stem(agentTokens[position] ?? ''));
      };
      const description = align(agent.description);
      const examples = agent.examples.map((example) => align(example));
      const vectors = new Float32Array(agentTokens.length * this.#dimensions);
      agentTokens.forEach((token, position) => {
        const unit = this.#unitVector(token);
        if (unit) vectors.set(unit, position * this.#dimensions);
      });
      return { tokens: agentTokens, stems: agentTokens.map(stem), vectors, description, examples };
    });
  }

  /**
   * Prepares a request's content words for `features`: each distinct word once, in order of first
   * use, weighing its IDF times its count (which scores exactly as the repeated words would).
   */
  request(text: string): AlignmentRequest {
    const counts = new Map<string, number>();
    for (const token of tokens(text)) if (!isStopWord(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
    const requestTokens = [...counts.keys()];
    const stems = requestTokens.map(stem);
    const weights = Float64Array.from(
      requestTokens,
      (token, index) => this.#idfOf(stems[index] ?? '') * (counts.get(token) ?? 1),
    );
    return {
      tokens: requestTokens,
      stems,
      weights,
      totalWeight: weights.reduce((sum, weight) => sum + weight, 0),
      vectors: requestTokens.map((token) => this.#unitVector(token)),
    };
  }

  /**
   * The alignment features of a request against one agent (`alignmentFeatureNames`), leaving
   * out that agent's example number `excludedExample` (a held-out example is not compared with
   * itself).
   */
  features(request: AlignmentRequest, agent: number, excludedExample?: number): Float64Array {
    const result = new Float64Array(alignmentFeatureNames.length);
    const texts = this.#agents[agent];
    const words = request.tokens.length;
    if (texts === undefined || words === 0 || request.totalWeight === 0) return result;
    // Each request word's similarities to the agent's words and best match in each text.
    const rows: WordMatches[] = [];
    for (let position = 0; position < words; position++)
      rows.push(this.#row(request, position, agent, texts));
    // Each agent word's best match among the request's words: how much of a text the request
    // covers then needs one lookup per text word.
    const width = texts.tokens.length;
    const best = new Float32Array(width);
    best.set((rows[0] as WordMatches).words);
    for (let position = 1; position < words; position++) {
      const row = (rows[position] as WordMatches).words;
      for (let word = 0; word < width; word++) {
        const value = row[word] as number;
        if (value > (best[word] as number)) best[word] = value;
      }
    }
    const firstWord = (rows[0] as WordMatches).words;
    let first = 0;
    let second = 0;
    let third = 0;
    let bestCoverage = 0;
    const openings = new Float64Array(openingCount);
    for (let index = 0; index < texts.examples.length; index++) {
      const example = texts.examples[index] as AlignedText;
      if (index === excludedExample) continue;
      const coverage = coverageOf(request, rows, index);
      const f = harmonicMean(coverage, precisionOf(best, example));
      if (f > first) {
        third = second;
        second = first;
        first = f;
      } else if (f > second) {
        third = second;
        second = f;
      } else if (f > third) third = f;
      if (coverage > bestCoverage) bestCoverage = coverage;
      // The five best matches of the request's first word with the examples' first words.
      const opening = example.opening < 0 ? 0 : (firstWord[example.opening] as number);
      let lowest = 0;
      for (let slot = 1; slot < openingCount; slot++)
        if ((openings[slot] as number) < (openings[lowest] as number)) lowest = slot;
      if (opening > (openings[lowest] as number)) openings[lowest] = opening;
    }
    result[0] = first;
    result[1] = (first + second + third) / 3;
    result[2] = harmonicMean(
      coverageOf(request, rows, texts.examples.length),
      precisionOf(best, texts.description),
    );
    result[3] = bestCoverage;
    let openingSum = 0;
    for (const value of openings) openingSum += value;
    result[4] = openingSum / openingCount;
    return result;
  }

  /**
   * One request word against an agent: its similarity to each of the agent's words (1 for the
   * same stem, else cos² of their vectors, 0 when negative or unknown) and its best match in
   * each of the agent's texts (examples, then the description). Both depend on the word alone,
   * so they are kept for the next request that uses it.
   */
  #row(request: AlignmentRequest, position: number, agent: number, texts: AgentTexts): WordMatches {
    const key = `${agent} ${request.tokens[position] ?? ''}`;
    const cached = this.#rows.get(key);
    if (cached) return cached;
    const row = new Float32Array(texts.tokens.length);
    const vector = request.vectors[position];
    const wordStem = request.stems[position];
    const dimensions = this.#dimensions;
    const vectors = texts.vectors;
    for (let word = 0; word < row.length; word++) {
      if (texts.stems[word] === wordStem) {
        row[word] = 1;
        continue;
      }
      if (vector === undefined) continue;
      let dot = 0;
      const offset = word * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++)
        dot += (vector[dimension] as number) * (vectors[offset + dimension] as number);
      row[word] = dot > 0 ? dot * dot : 0;
    }
    const inTexts = new Float32Array(texts.examples.length + 1);
    [...texts.examples, texts.description].forEach((text, index) => {
      let match = 0;
      for (const word of text.words) match = Math.max(match, row[word] as number);
      inTexts[index] = match;
    });
    const size = row.length + inTexts.length;
    if (this.#cachedSimilarities + size > maxCachedSimilarities) {
      this.#rows.clear();
      this.#cachedSimilarities = 0;
    }
    const matches = { words: row, texts: inTexts };
    this.#rows.set(key, matches);
    this.#cachedSimilarities += size;
    return matches;
  }

  #aligned(words: number[], stemOf: (word: number) => string): AlignedText {
    const weights = Float64Array.from(words, (word) => this.#idfOf(stemOf(word)));
    return {
      words: Int32Array.from(words),
      weights,
      totalWeight: weights.reduce((sum, weight) => sum + weight, 0),
      opening: words[0] ?? -1,
    };
  }

  #idfOf(word: string): number {
    return this.#idf.get(word) ?? this.#unseenIdf;
  }

  /** A word's unit-length vector (a zero vector matches nothing, like none). */
  #unitVector(token: string): Float32Array | undefined {
    const known = this.#units.get(token);
    if (known !== undefined) return known;
    const vector = this.#wordVectors?.vector(token);
    // Words without a vector are not remembered: they cost only a lookup, and there is no end to them.
    if (vector === undefined) return undefined;
    const unit = unitLength(vector);
    if (this.#units.size >= maxCachedUnits) this.#units.clear();
    this.#units.set(token, unit);
    return unit;
  }
}

/** One held-out request's candidates: a feature row each (`rerankFeatureCount` numbers) and which is right. */
export interface RerankGroup {
  readonly features: readonly Float64Array[];
  /** Index of the right candidate, or -1 when it is not among them (such groups teach nothing). */
  readonly label: number;
}

/**
 * Fewer held-out requests with the right agent among the candidates than this, and no weights
 * are fitted: a handful of groups would teach the re-ranker noise (a roster with four examples
 * per agent gives about ten), and the ranker's own order stands.
 */
export const minimumRerankGroups = 30;

/**
 * Fits the re-ranking weights: a conditional logit (softmax over each group's candidates) by
 * gradient descent, starting from the ranker's own order (weight 1 on its log-probability, 0
 * elsewhere), with a little L2 decay towards 0 on every weight. Deterministic. Undefined when
 * there are too few usable groups.
 */
export function fitRerankWeights(
  groups: readonly RerankGroup[],
  options: { readonly iterations?: number; readonly learningRate?: number; readonly decay?: number } = {},
): Float64Array | undefined {
  const weights = new Float64Array(rerankFeatureCount);
  weights[0] = 1;
  const usable = groups.filter((group) => group.label >= 0 && group.features.length > 1);
  if (usable.length < minimumRerankGroups) return undefined;
  const iterations = options.iterations ?? 400;
  const learningRate = options.learningRate ?? 0.5;
  const decay = options.decay ?? 1e-3;
  const gradient = new Float64Array(rerankFeatureCount);
  for (let iteration = 0; iteration < iterations; iteration++) {
    gradient.fill(0);
    for (const group of usable) {
      const probabilities = rerankProbabilities(weights, group.features);
      group.features.forEach((row, candidate) => {
        const error = (probabilities[candidate] ?? 0) - (candidate === group.label ? 1 : 0);
        for (let feature = 0; feature < rerankFeatureCount; feature++)
          gradient[feature] = (gradient[feature] as number) + error * (row[feature] ?? 0);
      });
    }
    for (let feature = 0; feature < rerankFeatureCount; feature++)
      weights[feature] =
        (weights[feature] as number) -
        learningRate * ((gradient[feature] as number) / usable.length + decay * (weights[feature] as number));
  }
  return weights;
}

/** The re-ranker's probabilities over one request's candidates. */
export function rerankProbabilities(
  weights: ArrayLike<number>,
  features: readonly Float64Array[],
): Float64Array {
  const scores = features.map((row) => {
    let score = 0;
    for (let feature = 0; feature < weights.length; feature++)
      score += (weights[feature] ?? 0) * (row[feature] ?? 0);
    return score;
  });
  const max = Math.max(...scores);
  const exponentials = scores.map((score) => Math.exp(score - max));
  const sum = exponentials.reduce((total, value) => total + value, 0);
  return Float64Array.from(exponentials, (value) => value / sum);
}

/**
 * How much of the request one of an agent's texts covers: each request word's best match in the
 * text, IDF-weighted. `rows` hold each request word's matches with the agent; the text is number
 * `textIndex` of the agent's (examples, then the description). 0 for a text without words.
 */
function coverageOf(request: AlignmentRequest, rows: readonly WordMatches[], textIndex: number): number {
  let covered = 0;
  for (let position = 0; position < rows.length; position++)
    covered +=
      (request.weights[position] as number) * ((rows[position] as WordMatches).texts[textIndex] as number);
  return covered / request.totalWeight;
}

/**
 * How much of a text the request covers: each text word's best match among the request's words
 * (`best`, by the agent's word), IDF-weighted. 0 for a text without words.
 */
function precisionOf(best: Float32Array, text: AlignedText): number {
  if (text.totalWeight === 0) return 0;
  let precise = 0;
  for (let index = 0; index < text.words.length; index++)
    precise += (text.weights[index] as number) * (best[text.words[index] as number] as number);
  return precise / text.totalWeight;
}
