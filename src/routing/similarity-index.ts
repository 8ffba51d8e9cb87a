import type { SparseVector } from './sparse-vector.ts';

export interface SimilarityScores {
  /** Cosine similarity of the request to each agent's centroid. */
  readonly centroid: Float64Array;
  /** Mean of each agent's `neighbours` most similar documents. */
  readonly nearest: Float64Array;
  /** Highest similarity to any single document of any agent. */
  readonly bestDocument: number;
}

/**
 * Cosine similarity of a request to every training document and every agent centroid through
 * inverted indexes, so a lookup costs the postings of the request's features rather than the
 * roster size times the vocabulary.
 */
export class SimilarityIndex {
  readonly agentCount: number;
  readonly neighbours: number;
  readonly #documentAgent: Int32Array;
  readonly #documentPostings: Array<Array<[number, number]>>;
  /** Per feature, the agents whose centroid has it and the centroid's (normalised) value: flat typed arrays, read on every decision. */
  readonly #centroidAgents: Int32Array[];
  readonly #centroidValues: Float64Array[];

  constructor(
    documents: ReadonlyArray<{
      readonly agent: number;
      readonly vector: SparseVector;
      /** Contribution to the agent's centroid (default 1). */
      readonly weight?: number;
      /** Whether the document can be a nearest neighbour (default true); background text only shapes the centroid. */
      readonly neighbour?: boolean;
    }>,
    agentCount: number,
    featureCount: number,
    neighbours: number,
  ) {
    this.agentCount = agentCount;
    this.neighbours = neighbours;
    this.#documentAgent = Int32Array.from(documents, (document) => document.agent);
    this.#documentPostings = Array.from({ length: featureCount }, () => []);
    const centroidPostings: Array<Array<[number, number]>> = Array.from({ length: featureCount }, () => []);
    const centroids = Array.from({ length: agentCount }, () => new Map<number, number>());
    documents.forEach((document, documentIndex) => {
      const centroid = centroids[document.agent];
      const weight = document.weight ?? 1;
      const neighbour = document.neighbour ?? true;
      document.vector.indices.forEach((feature, position) => {
        const value = document.vector.values[position] ?? 0;
        if (neighbour) this.#documentPostings[feature]?.push([documentIndex, value]);
        centroid?.set(feature, (centroid.get(feature) ?? 0) + value * weight);
      });
    });
    centroids.forEach((centroid, agent) => {
      let squares = 0;
      for (const value of centroid.values()) squares += value * value;
      const norm = Math.sqrt(squares) || 1;
      for (const [feature, value] of centroid) centroidPostings[feature]?.push([agent, value / norm]);
    });
    this.#centroidAgents = centroidPostings.map((postings) => Int32Array.from(postings, ([agent]) => agent));
    this.#centroidValues = centroidPostings.map((postings) =>
      Float64Array.from(postings, ([, value]) => value),
    );
  }

  /** Cosine similarity to each agent's centroid only: cheaper than `score` on large rosters. */
  centroidScores(vector: SparseVector): Float64Array {
    const centroid = new Float64Array(this.agentCount);
    for (let position = 0; position < vector.indices.length; position++)
      this.#addCentroid(centroid, vector.indices[position] as number, vector.values[position] as number);
    return centroid;
  }

  /** `excludedDocument` leaves one training document out (leave-one-out calibration). */
  score(vector: SparseVector, excludedDocument = -1): SimilarityScores {
    const documentScores = new Float64Array(this.#documentAgent.length);
    const touched: number[] = [];
    const centroid = new Float64Array(this.agentCount);
    vector.indices.forEach((feature, position) => {
      const weight = vector.values[position] ?? 0;
      for (const [document, value] of this.#documentPostings[feature] ?? []) {
        if (document === excludedDocument) continue;
        if (documentScores[document] === 0) touched.push(document);
        documentScores[document] = (documentScores[document] ?? 0) + weight * value;
      }
      this.#addCentroid(centroid, feature, weight);
    });
    const k = this.neighbours;
    const top = new Float64Array(this.agentCount * k);
    let bestDocument = 0;
    for (const document of touched) {
      const score = documentScores[document] ?? 0;
      if (score > bestDocument) bestDocument = score;
      const offset = (this.#documentAgent[document] ?? 0) * k;
      // Insertion into the agent's k best, kept in descending order.
      for (let slot = 0; slot < k; slot++) {
        if (score > (top[offset + slot] ?? 0)) {
          for (let move = k - 1; move > slot; move--) top[offset + move] = top[offset + move - 1] ?? 0;
          top[offset + slot] = score;
          break;
        }
      }
    }
    const nearest = new Float64Array(this.agentCount);
    for (let agent = 0; agent < this.agentCount; agent++) {
      let sum = 0;
      for (let slot = 0; slot < k; slot++) sum += top[agent * k + slot] ?? 0;
      nearest[agent] = sum / k;
    }
    return { centroid, nearest, bestDocument };
  }

  #addCentroid(centroid: Float64Array, feature: number, weight: number): void {
    const agents = this.#centroidAgents[feature];
    const values = this.#centroidValues[feature];
    if (agents === undefined || values === undefined) return;
    for (let index = 0; index < agents.length; index++) {
      const agent = agents[index] as number;
      centroid[agent] = (centroid[agent] as number) + weight * (values[index] as number);
    }
  }
}
