import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Span } from '../../domain/span.ts';
import type { TraceStore } from '../../ports/trace-store.ts';

export interface OtlpExportOptions {
  /** Full traces URL, or a base URL to which `/v1/traces` is appended (like OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly endpoint: string;
  /** Header values, read from secrets or the environment by the caller; never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  /** Batching: how long spans wait before a batch is sent (default 2 s). */
  readonly scheduledDelayMillis?: number;
  /** Per export request (default 5 s). */
  readonly exportTimeoutMillis?: number;
  /** For tests: another exporter instead of OTLP/HTTP JSON. */
  readonly exporter?: SpanExporter;
}

/** `http://host:4318` → `http://host:4318/v1/traces`; a URL already ending in `/v1/traces` is kept. */
export function otlpTracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * A TraceStore that also exports every ended span over OTLP/HTTP (JSON) with the OpenTelemetry
 * SDK's batch processor: spans queue in memory and leave in the background, in batches; a failed
 * or slow export drops spans (the local store keeps them) and never fails a run.
 */
export class OtlpExportingTraceStore implements TraceStore {
  readonly #inner: TraceStore;
  readonly #processor: BatchSpanProcessor;
  readonly #resource: Resource;
  readonly #scope: { name: string; version?: string };

  constructor(inner: TraceStore, options: OtlpExportOptions) {
    this.#inner = inner;
    const exporter =
      options.exporter ??
      new OTLPTraceExporter({
        url: otlpTracesUrl(options.endpoint),
        headers: { ...options.headers },
        timeoutMillis: options.exportTimeoutMillis ?? 5_000,
      });
    this.#processor = new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: options.scheduledDelayMillis ?? 2_000,
      exportTimeoutMillis: options.exportTimeoutMillis ?? 5_000,
      maxQueueSize: 4_096,
      maxExportBatchSize: 512,
    });
    this.#resource = resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName ?? 'nova',
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    });
    this.#scope = { name: 'nova', ...(options.serviceVersion ? { version: options.serviceVersion } : {}) };
  }

  async recordSpan(span: Span): Promise<void> {
    this.#export(span);
    await this.#inner.recordSpan(span);
  }

  async recordSpans(spans: readonly Span[]): Promise<void> {
    for (const span of spans) this.#export(span);
    await this.#inner.recordSpans(spans);
  }

  #export(span: Span): void {
    if (span.endTime === undefined) return;
    try {
      this.#processor.onEnd(toReadableSpan(span, this.#resource, this.#scope));
    } catch {
      // Export is best effort; the local store is the record.
    }
  }

  listSpans(traceId: string): Promise<Span[]> {
    return this.#inner.listSpans(traceId);
  }

  /** Sends what is queued, waiting at most `timeoutMs`; never rejects. */
  async shutdown(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#processor.shutdown().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
}

/** OTLP wants 32 hex digits for a trace id and 16 for a span id; Nova's ids are hashed to fit. */
export function otelTraceId(traceId: string): string {
  return /^[0-9a-f]{32}$/.test(traceId) ? traceId : hexHash(traceId, 32);
}

export function otelSpanId(spanId: string): string {
  return /^[0-9a-f]{16}$/.test(spanId) ? spanId : hexHash(spanId, 16);
}

function hexHash(text: string, digits: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, digits);
}

function hrTime(iso: string): HrTime {
  const ms = Date.parse(iso);
  return [Math.floor(ms / 1_000), (ms % 1_000) * 1_000_000];
}

const spanKinds: Record<Span['kind'], SpanKind> = {
  chat: SpanKind.CLIENT,
  invoke_agent: SpanKind.INTERNAL,
  execute_tool: SpanKind.INTERNAL,
  turn: SpanKind.INTERNAL,
  step: SpanKind.INTERNAL,
  pipeline: SpanKind.INTERNAL,
};

/** A stored span as the SDK's ReadableSpan, ready for a span processor. */
export function toReadableSpan(
  span: Span,
  resource: Resource,
  scope: { name: string; version?: string },
): ReadableSpan {
  const traceId = otelTraceId(span.traceId);
  const context = { traceId, spanId: otelSpanId(span.spanId), traceFlags: TraceFlags.SAMPLED };
  const start = hrTime(span.startTime);
  const end = hrTime(span.endTime ?? span.startTime);
  const durationMs = Math.max(0, Date.parse(span.endTime ?? span.startTime) - Date.parse(span.startTime));
  const attributes: Attributes = { ...span.attributes, 'nova.trace.id': span.traceId };
  const finish = span.attributes['gen_ai.response.finish_reasons'];
  if (typeof finish === 'string') attributes['gen_ai.response.finish_reasons'] = [finish];
  const message = span.attributes['nova.error.message'];
  return {
    name: span.name,
    kind: spanKinds[span.kind],
    spanContext: () => context,
    ...(span.parentSpanId === undefined
      ? {}
      : {
          parentSpanContext: {
            traceId,
            spanId: otelSpanId(span.parentSpanId),
            traceFlags: TraceFlags.SAMPLED,
            isRemote: false,
          },
        }),
    startTime: start,
    endTime: end,
    status:
      span.status === 'ok'
        ? { code: SpanStatusCode.OK }
        : span.status === 'error'
          ? { code: SpanStatusCode.ERROR, ...(typeof message === 'string' ? { message } : {}) }
          : { code: SpanStatusCode.UNSET },
    attributes,
    links: [],
    events: [],
    duration: [Math.floor(durationMs / 1_000), (durationMs % 1_000) * 1_000_000],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
