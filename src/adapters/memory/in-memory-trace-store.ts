import type { Span } from '../../domain/span.ts';
import type { TraceStore } from '../../ports/trace-store.ts';

/** Spans kept in memory: for tests and throwaway runs. */
export class InMemoryTraceStore implements TraceStore {
  readonly #traces = new Map<string, Map<string, Span>>();

  recordSpan(span: Span): Promise<void> {
    let spans = this.#traces.get(span.traceId);
    if (!spans) this.#traces.set(span.traceId, (spans = new Map<string, Span>()));
    const existing = spans.get(span.spanId);
    // An update keeps the span's place (and its identity fields); insertion order breaks ties.
    spans.set(span.spanId, structuredClone(existing ? { ...span, ...pickIdentity(existing) } : span));
    return Promise.resolve();
  }

  async recordSpans(spans: readonly Span[]): Promise<void> {
    for (const span of spans) await this.recordSpan(span);
  }

  listSpans(traceId: string): Promise<Span[]> {
    const spans = [...(this.#traces.get(traceId)?.values() ?? [])].map((span) => structuredClone(span));
    // Array.prototype.sort is stable, so equal start times stay in insertion order.
    return Promise.resolve(spans.sort((a, b) => a.startTime.localeCompare(b.startTime)));
  }
}

function pickIdentity(span: Span): Pick<Span, 'name' | 'kind' | 'startTime'> {
  return { name: span.name, kind: span.kind, startTime: span.startTime };
}
