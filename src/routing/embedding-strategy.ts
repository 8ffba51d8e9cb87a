import { formatConfidence, type RoutingCandidate } from '../domain/routing-decision.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { AgentProfile } from './agent-profile.ts';
import { fitTemperature, softmax } from './confidence-calibration.ts';
import type { RoutingStrategy, StrategyOutcome } from './routing-strategy.ts';
import { unitLength } from './unit-length.ts';

export interface EmbeddingThresholds {
  /** The embedding's calibrated confidence must reach this to decide (0..1). */
  readonly confidence: number;
  /** The request's cosine similarity to the nearest example must reach this (-1..1). */
  readonly minSimilarity: number;
}

export const defaultEmbeddingThresholds: EmbeddingThresholds = { confidence: 0.5, minSimilarity: 0.3 };

interface AgentIndex {
  /** Unit vectors of each agent's description and examples, and whose they are. */
  readonly vectors: readonly Float32Array[];
  readonly owners: Int32Array;
  readonly temperature: number;
}

/** Reasons of the ranker this strategy takes over from: unsure, or words the roster's texts never use. */
function rankerLeftRoom(previous: readonly StrategyOutcome[]): boolean {
  const last = previous.at(-1);
  return (
    last?.kind === 'passed' &&
    last.reasons.some(
      (reason) =>
        reason.startsWith('not sure') ||
        (reason.startsWith('out of scope:') && reason.includes("appear in no agent's description")),
    )
  );
}

/**
 * Embedding similarity, for when an embedding model is configured: each agent's description and
 * examples are embedded once (through the embedder's cache), and a request the ranker was unsure
 * about, or whose words the roster's texts never use, goes to the agent whose nearest texts are
 * most similar to it. Confidence is a softmax over agents of the mean of each agent's `neighbours`
 * best cosine similarities, its temperature fitted on the examples held out one at a time.
 * It never overrides a ranker that decided, and never takes what the ranker judged vague or
 * like the out-of-scope examples. A failing embedding model leaves the ranker's question.
 */
export function createEmbeddingStrategy(options: {
  readonly embedder: Embedder;
  readonly profiles: readonly AgentProfile[];
  readonly thresholds?: Partial<EmbeddingThresholds>;
  readonly neighbours?: number;
  readonly timeoutMs?: number;
}): RoutingStrategy & { readonly prepare: (signal?: AbortSignal) => Promise<void> } {
  const thresholds = { ...defaultEmbeddingThresholds, ...options.thresholds };
  const neighbours = Math.max(1, options.neighbours ?? 2);
  const agents = options.profiles.map((profile) => profile.name);
  let index: Promise<AgentIndex> | undefined;

  const build = async (signal?: AbortSignal): Promise<AgentIndex> => {
    const texts: string[] = [];
    const owners: number[] = [];
    options.profiles.forEach((profile, agent) => {
      for (const text of [profile.description, ...profile.examples]) {
        texts.push(text);
        owners.push(agent);
      }
    });
    const vectors = (await options.embedder.embed(texts, signal)).map(unitLength);
    const ownerArray = Int32Array.from(owners);
    // Leave-one-out: each example scored against every other text; descriptions are not held out.
    // Seconds of work for a large roster, so it gives the event loop a turn every ~20 ms: a
    // server keeps answering while the first request after a start or an edit waits for it.
    const heldOut: Array<{ scores: Float64Array; label: number }> = [];
    let slice = performance.now();
    for (const [position, vector] of vectors.entries()) {
      if (performance.now() - slice > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const isDescription = position === 0 || owners[position - 1] !== owners[position];
      if (isDescription) continue;
      heldOut.push({
        scores: agentScores(vector, vectors, ownerArray, agents.length, neighbours, position),
        label: owners[position] ?? 0,
      });
    }
    return { vectors, owners: ownerArray, temperature: fitTemperature(heldOut) };
  };
  const ready = (signal?: AbortSignal): Promise<AgentIndex> => {
    index ??= build(signal).catch((error: unknown) => {
      index = undefined;
      throw error;
    });
    return index;
  };

  return {
    name: 'embedding',
    async prepare(signal) {
      await ready(signal);
    },
    async route(input, { previous }) {
      if (agents.length === 0 || !rankerLeftRoom(previous)) return { kind: 'passed', reasons: [] };
      const signal = AbortSignal.timeout(options.timeoutMs ?? 20_000);
      let scores: Float64Array;
      let temperature: number;
      try {
        const built = await ready(signal);
        const [request] = await options.embedder.embed([input.text], signal);
        scores = agentScores(
          unitLength(request ?? new Float32Array(0)),
          built.vectors,
          built.owners,
          agents.length,
          neighbours,
        );
        temperature = built.temperature;
      } catch (error) {
        return {
          kind: 'passed',
          reasons: [
            `embedding (${options.embedder.id}) failed: ${error instanceof Error ? error.message : String(error)}`,
          ],
        };
      }
      const probabilities = softmax(scores, temperature);
      const ranked: RoutingCandidate[] = agents
        .map((agent, position) => ({ agent, confidence: probabilities[position] ?? 0 }))
        .sort((a, b) => b.confidence - a.confidence);
      const top = ranked[0];
      const topScore = scores[agents.indexOf(top?.agent ?? '')] ?? 0;
      if (!top || top.confidence < thresholds.confidence || topScore < thresholds.minSimilarity) {
        return {
          kind: 'passed',
          reasons: [
            `embedding (${options.embedder.id}) not sure either: ${top?.agent ?? 'no agent'} at confidence ${formatConfidence(top?.confidence ?? 0)}, similarity ${topScore.toFixed(2)} (needs ${thresholds.confidence} and ${thresholds.minSimilarity})`,
          ],
        };
      }
      return {
        kind: 'decided',
        decision: {
          kind: 'decision',
          agent: top.agent,
          confidence: top.confidence,
          alternatives: ranked.slice(1, 3),
          reasons: [
            `embedding (${options.embedder.id}): nearest to the examples of ${top.agent} (similarity ${topScore.toFixed(2)}, confidence ${formatConfidence(top.confidence)})`,
          ],
          strategy: 'embedding',
        },
      };
    },
  };
}

/** Per agent: the mean of its `neighbours` highest cosine similarities to the request. */
function agentScores(
  request: Float32Array,
  vectors: readonly Float32Array[],
  owners: Int32Array,
  agentCount: number,
  neighbours: number,
  excluded = -1,
): Float64Array {
  const best = Array.from({ length: agentCount }, () => [] as number[]);
  vectors.forEach((vector, position) => {
    if (position === excluded || vector.length !== request.length) return;
    let dot = 0;
    for (let dimension = 0; dimension < vector.length; dimension++)
      dot += (vector[dimension] ?? 0) * (request[dimension] ?? 0);
    const list = best[owners[position] ?? 0];
    if (!list) return;
    list.push(dot);
    list.sort((a, b) => b - a);
    if (list.length > neighbours) list.pop();
  });
  return Float64Array.from(best, (list) =>
    list.length === 0 ? -1 : list.reduce((sum, value) => sum + value, 0) / list.length,
  );
}
