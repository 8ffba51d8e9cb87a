/**
 * A trace span, shaped to export as OpenTelemetry (GenAI conventions: `invoke_agent`,
 * `execute_tool`, `chat`). Spans are written by the trace port; see ports/trace-store.ts.
 */
export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: 'invoke_agent' | 'execute_tool' | 'chat' | 'step' | 'pipeline';
  readonly startTime: string;
  readonly endTime?: string;
  readonly status: 'unset' | 'ok' | 'error';
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}
