import type { Span } from '../domain/span.ts';

/** Trace spans. Implemented by the tracing issue; the runtime already speaks this port. */
export interface TraceStore {
  recordSpan(span: Span): Promise<void>;
  /** Spans of one trace ordered by start time; empty when the trace is unknown. */
  listSpans(traceId: string): Promise<Span[]>;
}
