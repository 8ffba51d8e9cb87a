import type { Span } from '../domain/span.ts';

/** A span with its children and what it and everything below it used. */
export interface TraceNode {
  readonly span: Span;
  /** Undefined while the span has not ended (a running or interrupted run). */
  readonly durationMs?: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated USD of the model calls at and below this span; null when a price is unknown. */
  readonly costUsd: number | null;
  readonly modelCalls: number;
  readonly children: readonly TraceNode[];
}

/**
 * Spans as trees: each span under its parent, siblings in start order. A span whose parent is
 * not among `spans` is a root (a delegated run's subtree, or a pipeline's steps).
 */
export function buildTraceTree(spans: readonly Span[]): TraceNode[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const childrenOf = new Map<string | undefined, Span[]>();
  for (const span of spans) {
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = childrenOf.get(parent) ?? [];
    list.push(span);
    childrenOf.set(parent, list);
  }
  const build = (span: Span): TraceNode => {
    const children = (childrenOf.get(span.spanId) ?? []).map(build);
    const number = (key: string): number => {
      const value = span.attributes[key];
      return typeof value === 'number' ? value : 0;
    };
    const isChat = span.kind === 'chat';
    const ownCost = span.attributes['nova.cost.usd'];
    let costUsd: number | null = isChat ? (typeof ownCost === 'number' ? ownCost : null) : 0;
    let modelCalls = isChat ? 1 : 0;
    let inputTokens = isChat ? number('gen_ai.usage.input_tokens') : 0;
    let outputTokens = isChat ? number('gen_ai.usage.output_tokens') : 0;
    for (const child of children) {
      modelCalls += child.modelCalls;
      inputTokens += child.inputTokens;
      outputTokens += child.outputTokens;
      costUsd = costUsd === null || child.costUsd === null ? null : costUsd + child.costUsd;
    }
    return {
      span,
      ...(span.endTime === undefined
        ? {}
        : { durationMs: Date.parse(span.endTime) - Date.parse(span.startTime) }),
      inputTokens,
      outputTokens,
      costUsd,
      modelCalls,
      children,
    };
  };
  return (childrenOf.get(undefined) ?? []).map(build);
}
