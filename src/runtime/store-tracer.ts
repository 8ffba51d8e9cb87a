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

/** More queued records than this are written at once instead of waiting for the batch window. */
const maxQueuedRecords = 512;

/** How long records wait to be written together (a crash loses at most this much of a trace). */
const batchWindowMs = 50;

/**
 * A tracer that writes spans to a TraceStore: a record when a span starts (so a running or
 * crashed run's trace shows how far it got) and again when it ends. Records queue in memory and
 * are written together every 50 ms (one transaction instead of one per record; a started span
 * that ended meanwhile is written once); `flush` writes at once. Attributes are
 * redacted and cut first. A failing store never fails the run: the records are dropped and
 * counted in `droppedWrites`.
 */
export class StoreTracer implements Tracer {
  readonly #options: StoreTracerOptions;
  /** Latest record per span; a Map keeps each span at the place it started, so parents come first. */
  #queue = new Map<string, Span>();
  #scheduled: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #droppedWrites = 0;
  #spanPrefix = randomBytes(4).toString('hex');
  #spanCounter = 0;

  constructor(options: StoreTracerOptions) {
    this.#options = options;
  }

  /** 16 hex digits (an OpenTelemetry span id): a random per-tracer prefix and a counter. */
  #nextSpanId(): string {
    this.#spanCounter = (this.#spanCounter + 1) >>> 0;
    if (this.#spanCounter === 0) this.#spanPrefix = randomBytes(4).toString('hex');
    return `${this.#spanPrefix}${this.#spanCounter.toString(16).padStart(8, '0')}`;
  }

  get droppedWrites(): number {
    return this.#droppedWrites;
  }

  startSpan(name: string, kind: SpanKind, attributes: SpanAttributes, parent: SpanParent): SpanHandle {
    const { clock } = this.#options;
    const spanId = this.#options.newSpanId?.() ?? this.#nextSpanId();
    const base = {
      traceId: parent.traceId,
      spanId,
      ...(parent.spanId === undefined || parent.spanId === '' ? {} : { parentSpanId: parent.spanId }),
      name,
      kind,
      startTime: new Date(clock.now()).toISOString(),
    };
    let current: Record<string, string | number | boolean> = this.#clean(attributes);
    let ended = false;
    this.#enqueue({ ...base, status: 'unset', attributes: current });
    return {
      traceId: base.traceId,
      spanId,
      setAttributes: (more) => {
        if (!ended) current = { ...current, ...this.#clean(more) };
      },
      end: (status, error) => {
        if (ended) return;
        ended = true;
        this.#enqueue({
          ...base,
          endTime: new Date(clock.now()).toISOString(),
          status,
          attributes: error
            ? {
                ...current,
                ...this.#clean({ 'error.type': error.code, 'nova.error.message': error.message }),
              }
            : current,
        });
      },
    };
  }

  /** Writes what is queued and waits for every write so far. */
  async flush(): Promise<void> {
    this.#writeQueued();
    await this.#writing;
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

  #enqueue(span: Span): void {
    this.#queue.set(`${span.traceId}\u0000${span.spanId}`, span);
    if (this.#queue.size >= maxQueuedRecords) this.#writeQueued();
    else this.#scheduled ??= setTimeout(() => this.#writeQueued(), batchWindowMs);
  }

  #writeQueued(): void {
    if (this.#scheduled) clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#queue.size === 0) return;
    const batch = [...this.#queue.values()];
    this.#queue = new Map();
    // One batch after the other, so a span's end never overtakes its start.
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#options.store.recordSpans(batch);
      } catch {
        this.#droppedWrites += batch.length;
      }
    });
  }
}

/** A tracer that records nothing: tracing off. */
export const noopTracer: Tracer = {
  startSpan(_name, _kind, _attributes, parent) {
    return { traceId: parent.traceId, spanId: '', setAttributes: () => undefined, end: () => undefined };
  },
  flush: () => Promise.resolve(),
};
