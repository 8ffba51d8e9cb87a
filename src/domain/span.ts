export type SpanKind = 'invoke_agent' | 'execute_tool' | 'chat' | 'turn' | 'step' | 'pipeline';

export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * A trace span, shaped to export as OpenTelemetry (GenAI conventions: `invoke_agent`,
 * `execute_tool`, `chat`). Spans are written by the trace port; see ports/trace-store.ts.
 * The trace id is the root run's id; a delegated run's spans nest under the delegate tool call.
 */
export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTime: string;
  readonly endTime?: string;
  readonly status: 'unset' | 'ok' | 'error';
  readonly attributes: SpanAttributes;
}
