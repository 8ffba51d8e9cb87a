/** How far Nova trusts a piece of content. Untrusted content taints the run that reads it. */
export type TrustLevel = 'trusted' | 'untrusted';

/** Where a piece of context came from and when, so staleness can be detected. */
export interface Provenance {
  /** e.g. `file://acme/docs/plan.md`, `run://<id>/outcome`, `memory://<id>`. */
  readonly sourceUri: string;
  readonly observedAt: string;
  /** sha256 of the content as observed. */
  readonly contentHash: string;
  readonly trust: TrustLevel;
}

export interface ContextItem {
  readonly id: string;
  readonly kind: 'file' | 'doc' | 'conversation' | 'upstream-outcome' | 'memory' | 'note';
  readonly content: string;
  readonly provenance: Provenance;
  readonly tokens: number;
}

/** Why an item did not make it into a pack. */
export interface ExcludedContextItem {
  readonly id: string;
  readonly sourceUri: string;
  readonly reason: 'over-budget' | 'stale' | 'not-allowed' | 'low-relevance';
}

/** An item whose source changed after it was observed: re-read, or dropped when it is gone. */
export interface StaleContextItem {
  readonly id: string;
  readonly sourceUri: string;
  readonly action: 'refreshed' | 'dropped';
}

/** What an agent was given: the items, the budget, and what was left out and why. */
export interface ContextPack {
  readonly items: readonly ContextItem[];
  readonly tokenBudget: number;
  readonly tokensUsed: number;
  readonly excluded: readonly ExcludedContextItem[];
  /** Items found stale when they were about to be used (handed over from another run). */
  readonly stale?: readonly StaleContextItem[];
  /** The tokenizer the counts come from, e.g. `o200k_base`, or `cl100k_base (estimate)`. */
  readonly tokenizer?: string;
}

export const emptyContextPack: ContextPack = { items: [], tokenBudget: 0, tokensUsed: 0, excluded: [] };
