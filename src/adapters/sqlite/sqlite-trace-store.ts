import type { Span, SpanKind } from '../../domain/span.ts';
import type { TraceStore } from '../../ports/trace-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: string;
  end_time: string | null;
  status: string;
  attributes: string;
}

function fromRow(row: SpanRow): Span {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    ...(row.parent_span_id === null ? {} : { parentSpanId: row.parent_span_id }),
    name: row.name,
    kind: row.kind as SpanKind,
    startTime: row.start_time,
    ...(row.end_time === null ? {} : { endTime: row.end_time }),
    status: row.status as Span['status'],
    attributes: JSON.parse(row.attributes) as Span['attributes'],
  };
}

/** Spans in the `spans` table (ties in start time keep insertion order) (migration 6), keyed by trace id (the root run's id) and span id. */
export class SqliteTraceStore implements TraceStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async recordSpan(span: Span): Promise<void> {
    storageCall('recording a trace span', () => this.#upsert(span));
  }

  async recordSpans(spans: readonly Span[]): Promise<void> {
    if (spans.length === 0) return;
    storageCall('recording trace spans', () =>
      this.#database.transaction(() => {
        for (const span of spans) this.#upsert(span);
      }),
    );
  }

  #upsert(span: Span): void {
    this.#database
      .statement(
        `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, start_time, end_time, status, attributes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (trace_id, span_id) DO UPDATE SET
             end_time = excluded.end_time, status = excluded.status, attributes = excluded.attributes`,
      )
      .run(
        span.traceId,
        span.spanId,
        span.parentSpanId ?? null,
        span.name,
        span.kind,
        span.startTime,
        span.endTime ?? null,
        span.status,
        JSON.stringify(span.attributes),
      );
  }

  async listSpans(traceId: string): Promise<Span[]> {
    return storageCall('reading a trace', () =>
      (
        this.#database
          .statement('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_time, rowid')
          .all(traceId) as unknown as SpanRow[]
      ).map(fromRow),
    );
  }
}
