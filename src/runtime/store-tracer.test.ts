import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-app.ts';
import { InMemoryTraceStore } from '../adapters/memory/in-memory-trace-store.ts';
import { NovaError } from '../domain/nova-error.ts';
import { createRedactor } from '../policy/redact.ts';
import type { TraceStore } from '../ports/trace-store.ts';
import { maxAttributeChars, StoreTracer } from './store-tracer.ts';

const clock = { now: () => Date.parse('2026-11-22T10:00:00.000Z'), sleep: () => Promise.resolve() };

describe('StoreTracer', () => {
  it('stores a started span at once on flush, then its ended version in its place', async () => {
    const store = new InMemoryTraceStore();
    const tracer = new StoreTracer({ store, clock, redact: createRedactor({}) });
    const root = tracer.startSpan('invoke_agent a', 'invoke_agent', { x: 1 }, { traceId: 'run_1' });
    const child = tracer.startSpan('chat m', 'chat', {}, { traceId: 'run_1', spanId: root.spanId });
    await tracer.flush();
    expect((await store.listSpans('run_1')).map((span) => [span.name, span.status])).toEqual([
      ['invoke_agent a', 'unset'],
      ['chat m', 'unset'],
    ]);
    child.end('error', { code: 'MODEL_ERROR', message: 'boom' });
    root.setAttributes({ y: 'two' });
    root.end('ok');
    root.end('error'); // a second end is ignored
    await tracer.flush();
    const spans = await store.listSpans('run_1');
    expect(spans.map((span) => [span.name, span.status, span.parentSpanId])).toEqual([
      ['invoke_agent a', 'ok', undefined],
      ['chat m', 'error', root.spanId],
    ]);
    expect(spans[0]?.attributes).toEqual({ x: 1, y: 'two' });
    expect(spans[1]?.attributes).toEqual({ 'error.type': 'MODEL_ERROR', 'nova.error.message': 'boom' });
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(root.spanId);
  });

  it('cuts long attributes after redacting them', async () => {
    const store = new InMemoryTraceStore();
    const tracer = new StoreTracer({ store, clock, redact: createRedactor({ secrets: ['the-secret-1'] }) });
    tracer
      .startSpan(
        't',
        'execute_tool',
        { out: `the-secret-1 ${'x'.repeat(maxAttributeChars)}` },
        { traceId: 'r' },
      )
      .end('ok');
    await tracer.flush();
    const out = String((await store.listSpans('r'))[0]?.attributes.out);
    expect(out.startsWith('[REDACTED] xxx')).toBe(true);
    expect(out).toMatch(/… \[cut at 16000 of 16011 characters\]$/);
  });

  it('never fails a run when the trace store fails; the lost records are counted', async () => {
    const failing: TraceStore = {
      recordSpan: () => Promise.reject(new NovaError('STORAGE_ERROR', 'disk full')),
      recordSpans: () => Promise.reject(new NovaError('STORAGE_ERROR', 'disk full')),
      listSpans: () => Promise.resolve([]),
    };
    const { app, tracer } = await createTestApp({ traces: failing });
    const run = await app.ask({ text: 'hello', agent: 'assistant' });
    expect(run.status).toBe('succeeded');
    await tracer.flush();
    expect(tracer.droppedWrites).toBe(3);
  });
});
