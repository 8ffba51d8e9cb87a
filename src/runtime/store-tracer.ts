import { randomBytes } from 'node:crypto';
import type { Span, SpanAttributes, SpanKind } from '../domain/span.ts';
import { redactAttributes, type Redact } from '../policy/redact.ts';
import type { Clock } from '../ports/clock.ts';
import type { SpanHandle, SpanParent, Tracer } from '../ports/tracer.ts';
import type { TraceStore } from '../ports/trace-store.ts';

/** String attributes longer than this are cut (after redaction) before they are stored. */
export const maxAttributeChars = 16_000;

export interface StoreTracerOptions {
  readonly store: TraceStore;
  readonly clock: Clock;
  /** Applied to every string attribute and error message before anything is stored. */
  readonly redact: Redact;
  /** For tests: deterministic span ids. */
  readonly newSpanId?: () => string;
}

/**
 * A tracer that writes spans to a TraceStore: once when a span starts (so a running or crashed
 * run's trace shows how far it got) and once when it ends. Attributes are redacted and cut first.
 * A failing store never fails the run: the write is dropped and counted in `droppedWrites`.
 */
export class StoreTracer implements Tracer {
  readonly #options: StoreTracerOptions;
  readonly #pending = new Set<Promise<void>>();
  #droppedWrites = 0;

  constructor(options: StoreTracerOptions) {
    this.#options = options;
  }

  get droppedWrites(): number {
    return this.#droppedWrites;
  }

  startSpan(name: string, kind: SpanKind, attributes: SpanAttributes, parent: SpanParent): SpanHandle {
    const { clock } = this.#options;
    const spanId = this.#options.newSpanId?.() ?? randomBytes(8).toString('hex');
    const base = {
      traceId: parent.traceId,
      spanId,
      ...(parent.spanId === undefined ? {} : { parentSpanId: parent.spanId }),
      name,
      kind,
      startTime: new Date(clock.now()).toISOString(),
    };
    let current: Record<string, string | number | boolean> = this.#clean(attributes);
    let ended = false;
    let written = this.#write({ ...base, status: 'unset', attributes: current });
    return {
      traceId: base.traceId,
      spanId,
      setAttributes: (more) => {
        if (!ended) current = { ...current, ...this.#clean(more) };
      },
      end: (status, error) => {
        if (ended) return;
        ended = true;
        const span: Span = {
          ...base,
          endTime: new Date(clock.now()).toISOString(),
          status,
          attributes: error
            ? {
                ...current,
                ...this.#clean({ 'error.type': error.code, 'nova.error.message': error.message }),
              }
            : current,
        };
        // After the start record, so the end always wins.
        written = this.#track(written.then(() => this.#write(span)));
      },
    };
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #clean(attributes: SpanAttributes): Record<string, string | number | boolean> {
    const redacted = redactAttributes(attributes, this.#options.redact);
    const result: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(redacted)) {
      result[key] =
        typeof value === 'string' && value.length > maxAttributeChars
          ? `${value.slice(0, maxAttributeChars)}… [cut at ${maxAttributeChars} of ${value.length} characters]`
          : value;
    }
    return result;
  }

  #write(span: Span): Promise<void> {
    let promise: Promise<void>;
    try {
      promise = this.#options.store.recordSpan(span).catch(() => {
        this.#droppedWrites += 1;
      });
    } catch {
      this.#droppedWrites += 1;
      return Promise.resolve();
    }
    return this.#track(promise);
  }

  #track(promise: Promise<void>): Promise<void> {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
    return promise;
  }
}

/** A tracer that records nothing: tracing off. */
export const noopTracer: Tracer = {
  startSpan(_name, _kind, _attributes, parent) {
    return { traceId: parent.traceId, spanId: '', setAttributes: () => undefined, end: () => undefined };
  },
  flush: () => Promise.resolve(),
};
