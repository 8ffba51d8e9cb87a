import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Span } from '../domain/span.ts';
import type { TraceStore } from './trace-store.ts';

export interface TraceStoreFixture {
  readonly store: TraceStore;
  cleanup(): Promise<void>;
}

function span(spanId: string, overrides: Partial<Span> = {}): Span {
  return {
    traceId: 'run_root',
    spanId,
    name: `span ${spanId}`,
    kind: 'execute_tool',
    startTime: '2026-11-22T10:00:00.000Z',
    status: 'unset',
    attributes: {},
    ...overrides,
  };
}

/** The behaviour every TraceStore adapter must have. */
export function traceStoreContract(name: string, create: () => Promise<TraceStoreFixture>): void {
  describe(`TraceStore contract: ${name}`, () => {
    let fixture: TraceStoreFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(() => fixture.cleanup());

    it('lists a trace by start time; equal start times keep the order they were recorded in', async () => {
      const { store } = fixture;
      await store.recordSpan(span('b', { startTime: '2026-11-22T10:00:01.000Z' }));
      await store.recordSpan(span('a', { kind: 'invoke_agent', startTime: '2026-11-22T10:00:00.000Z' }));
      await store.recordSpan(span('c', { startTime: '2026-11-22T10:00:01.000Z', parentSpanId: 'a' }));
      await store.recordSpan(span('other', { traceId: 'run_other' }));
      const spans = await store.listSpans('run_root');
      expect(spans.map((found) => found.spanId)).toEqual(['a', 'b', 'c']);
      expect(spans[2]).toEqual(span('c', { startTime: '2026-11-22T10:00:01.000Z', parentSpanId: 'a' }));
      expect(await store.listSpans('run_unknown')).toEqual([]);
    });

    it('replaces a started span with its ended version', async () => {
      const { store } = fixture;
      await store.recordSpan(span('a', { attributes: { 'gen_ai.tool.name': 'x' } }));
      await store.recordSpan(span('b'));
      const ended = span('a', {
        endTime: '2026-11-22T10:00:02.000Z',
        status: 'error',
        attributes: { 'gen_ai.tool.name': 'x', 'error.type': 'TOOL_ERROR', n: 3, ok: false },
      });
      await store.recordSpan(ended);
      expect(await store.listSpans('run_root')).toEqual([ended, span('b')]);
    });
  });
}
