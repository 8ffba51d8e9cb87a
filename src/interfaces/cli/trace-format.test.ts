import { describe, expect, it } from 'vitest';
import { buildTraceTree } from '../../app/trace-tree.ts';
import type { Span } from '../../domain/span.ts';
import { formatTraceTree } from './trace-format.ts';

const at = (ms: number): string => new Date(Date.parse('2026-11-22T10:00:00.000Z') + ms).toISOString();

describe('formatTraceTree', () => {
  it('shows status, duration, tokens and cost per line, errors with their code, unfinished spans', () => {
    const spans: Span[] = [
      {
        traceId: 'run_1',
        spanId: 'a',
        name: 'invoke_agent planner',
        kind: 'invoke_agent',
        startTime: at(0),
        status: 'unset',
        attributes: { 'nova.run.id': 'run_1' },
      },
      {
        traceId: 'run_1',
        spanId: 'b',
        parentSpanId: 'a',
        name: 'chat gpt-4o-mini',
        kind: 'chat',
        startTime: at(0),
        endTime: at(1_500),
        status: 'ok',
        attributes: {
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 200,
          'nova.cost.usd': 0.00027,
        },
      },
      {
        traceId: 'run_1',
        spanId: 'c',
        parentSpanId: 'a',
        name: 'execute_tool project_read_file',
        kind: 'execute_tool',
        startTime: at(1_500),
        endTime: at(1_520),
        status: 'error',
        attributes: { 'error.type': 'TOOL_ERROR', 'nova.error.message': 'Error: no such file' },
      },
    ];
    expect(formatTraceTree(buildTraceTree(spans))).toBe(
      [
        '… invoke_agent planner · not ended · 1200 tokens (1000 in, 200 out) · $0.000270 · run_1',
        '  ✓ chat gpt-4o-mini · 1.5 s · 1200 tokens (1000 in, 200 out) · $0.000270',
        '  ✗ execute_tool project_read_file · 20 ms · TOOL_ERROR: Error: no such file',
      ].join('\n'),
    );
  });
});
