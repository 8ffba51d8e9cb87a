/**
 * What fed what. Nodes are named by kind and id: `input:<pipeline-run>`, `step:<pipeline-run>/<key>`,
 * `run:<agent-run>`, `assumption:<id>`, `context:<item-id>`. An edge says `from` was used to make `to`.
 */
export interface LineageEdge {
  /** The pipeline run or root agent run the edge belongs to. */
  readonly rootId: string;
  readonly from: string;
  readonly to: string;
  readonly relation: 'input' | 'assumed' | 'cited' | 'produced' | 'delegated' | 'reviewed';
  /** For context items: stale when it was used (its source had changed). */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly at: string;
}

export interface Refutation {
  readonly id: string;
  readonly rootId: string;
  readonly assumptionId: string;
  readonly reason: string;
  readonly at: string;
}

export interface LineageStore {
  addEdges(edges: readonly LineageEdge[]): Promise<void>;
  listEdges(rootId: string): Promise<LineageEdge[]>;
  addRefutation(refutation: Refutation): Promise<void>;
  listRefutations(rootId: string): Promise<Refutation[]>;
}
