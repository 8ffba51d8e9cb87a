import type { Span, SpanAttributes, SpanKind } from '../domain/span.ts';

/** Where a new span hangs: a trace (the root run's id) and, below the root, a parent span. */
export interface SpanParent {
  readonly traceId: string;
  readonly spanId?: string;
}

/** A span that has started; `end` once, attributes may be added until then. */
export interface SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  setAttributes(attributes: SpanAttributes): void;
  end(status: 'ok' | 'error', error?: { readonly code: string; readonly message: string }): void;
}

/**
 * Records spans for runs, pipeline steps, agent turns, model calls and tool calls. Never throws
 * and never slows a run down: storage and export failures are swallowed (and counted).
 */
export interface Tracer {
  startSpan(name: string, kind: SpanKind, attributes: SpanAttributes, parent: SpanParent): SpanHandle;
  /** Waits until every ended span is stored. */
  flush(): Promise<void>;
}

export type { Span };
