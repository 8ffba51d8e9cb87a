/** A statement an agent relied on without having verified it. Lineage points at its id. */
export interface Assumption {
  readonly id: string;
  readonly text: string;
}

/** What a run produced: the output plus what it assumed, used and left open. */
export interface Outcome {
  /** Plain text, or structured data when the agent has an output contract. */
  readonly output: unknown;
  readonly assumptions: readonly Assumption[];
  /** Ids of the context items the output relied on. */
  readonly evidence: readonly string[];
  /** 0..1, as stated by the agent or derived by the runtime; undefined when unknown. */
  readonly confidence?: number;
  readonly openQuestions: readonly string[];
  /** Untrusted sources the run read (web pages, other people's documents, …); absent when none. */
  readonly tainted?: readonly string[];
}

export function textOutcome(text: string): Outcome {
  return { output: text, assumptions: [], evidence: [], openQuestions: [] };
}
