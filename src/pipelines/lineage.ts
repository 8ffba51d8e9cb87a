import type { LineageEdge, Refutation } from '../ports/lineage-store.ts';

/** One node of a blame tree: what it is, how it fed its parent, and what fed it. */
export interface BlameNode {
  readonly node: string;
  /** How this node fed the node above it (absent for the root). */
  readonly relation?: LineageEdge['relation'];
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Downstream of a refuted assumption. */
  readonly suspect: boolean;
  /** For an assumption: the refutation, when there is one. */
  readonly refuted?: Refutation;
  readonly sources: readonly BlameNode[];
  /** Already shown higher up in the tree (a diamond in the graph). */
  readonly seen?: boolean;
}

/** Every node downstream of a refuted assumption, the assumption included. */
export function suspectNodes(
  edges: readonly LineageEdge[],
  refutations: readonly Refutation[],
): Map<string, Refutation> {
  const downstream = new Map<string, string[]>();
  for (const edge of edges) downstream.set(edge.from, [...(downstream.get(edge.from) ?? []), edge.to]);
  const suspect = new Map<string, Refutation>();
  for (const refutation of refutations) {
    const queue = [`assumption:${refutation.assumptionId}`];
    while (queue.length > 0) {
      const node = queue.shift()!;
      if (suspect.has(node)) continue;
      suspect.set(node, refutation);
      queue.push(...(downstream.get(node) ?? []));
    }
  }
  return suspect;
}

/** Walks back from `start` to everything that fed it. */
export function blameTree(
  start: string,
  edges: readonly LineageEdge[],
  refutations: readonly Refutation[],
): BlameNode {
  const upstream = new Map<string, LineageEdge[]>();
  for (const edge of edges) upstream.set(edge.to, [...(upstream.get(edge.to) ?? []), edge]);
  const suspects = suspectNodes(edges, refutations);
  const refutedBy = new Map(
    refutations.map((refutation) => [`assumption:${refutation.assumptionId}`, refutation]),
  );
  const seen = new Set<string>();
  const visit = (node: string, via: LineageEdge | undefined): BlameNode => {
    const base = {
      node,
      ...(via ? { relation: via.relation } : {}),
      ...(via?.detail ? { detail: via.detail } : {}),
      suspect: suspects.has(node),
      ...(refutedBy.has(node) ? { refuted: refutedBy.get(node)! } : {}),
    };
    if (seen.has(node)) return { ...base, sources: [], seen: true };
    seen.add(node);
    return { ...base, sources: (upstream.get(node) ?? []).map((edge) => visit(edge.from, edge)) };
  };
  return visit(start, undefined);
}
