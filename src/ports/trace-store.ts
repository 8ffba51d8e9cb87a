import type { Span } from '../domain/span.ts';

/** Trace spans. Implemented by the tracing issue; the runtime already speaks this port. */
export interface TraceStore {
  /** Writes a span, replacing the record of the same trace and span id (a started span that ended). */
  recordSpan(span: Span): Promise<void>;
  /** Several spans at once, in order (one transaction where the store has them). */
  recordSpans(spans: readonly Span[]): Promise<void>;
  /** Spans of one trace ordered by start time; empty when the trace is unknown. */
  listSpans(traceId: string): Promise<Span[]>;
}
