import { describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../test/support/test-app.ts';
import type { Span } from '../domain/span.ts';
import { createRedactor } from '../policy/redact.ts';
import { buildTraceTree, type TraceNode } from './trace-tree.ts';

const secret = 'acme-live-7f3a9c1e5b';

function plannerApp() {
  return createTestApp({
    agents: [
      {
        ...testAgent('planner', { tools: ['notes_search', 'delegate'], delegates: ['erp'] }),
        model: 'test:model',
      },
      { ...testAgent('erp', { tools: [] }), model: 'test:erp' },
    ],
    scripts: {
      'test:model': [
        { toolCalls: [{ id: 'c1', name: 'notes_search', input: { query: `stock ${secret}` } }] },
        {
          toolCalls: [{ id: 'c2', name: 'delegate', input: { agent: 'erp', task: 'Which items are low?' } }],
        },
        { text: 'Two items are low.' },
      ],
      'test:erp': [{ text: 'Bolts and nuts are low.' }],
    },
    redact: createRedactor({ env: { ACME_API_KEY: secret } }),
  });
}

/** `name [children]` for each node, to compare shapes. */
function shape(node: TraceNode): unknown {
  return node.children.length === 0 ? node.span.name : { [node.span.name]: node.children.map(shape) };
}

describe('tracing a run', () => {
  it('records run → turn → model call / tool call, with the delegated run under its delegate call', async () => {
    const { app, tracer } = await plannerApp();
    const run = await app.ask({ text: 'check stock', agent: 'planner' });
    expect(run.status).toBe('succeeded');
    await tracer.flush();

    const { traceId, spans } = await app.getTrace(run.id);
    expect(traceId).toBe(run.id);
    const roots = buildTraceTree(spans);
    expect(roots.map(shape)).toEqual([
      {
        'invoke_agent planner': [
          { 'turn 1': ['chat model', 'execute_tool notes_search'] },
          {
            'turn 2': [
              'chat model',
              { 'execute_tool delegate': [{ 'invoke_agent erp': [{ 'turn 1': ['chat erp'] }] }] },
            ],
          },
          { 'turn 3': ['chat model'] },
        ],
      },
    ]);
    expect(spans.every((span) => span.traceId === run.id && span.status === 'ok' && span.endTime)).toBe(true);

    const root = roots[0]!;
    // Four model calls of 5 + 5 tokens each (the test model); planner's at $1/$2 per 1M, erp's unknown.
    expect([root.modelCalls, root.inputTokens, root.outputTokens]).toEqual([4, 20, 20]);
    expect(root.costUsd).toBeNull();
    expect(root.children[0]!.costUsd).toBeCloseTo((5 * 1 + 5 * 2) / 1_000_000, 12);

    const byName = (name: string): Span => spans.find((span) => span.name === name)!;
    expect(byName('invoke_agent planner').attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'planner',
      'gen_ai.request.model': 'model',
      'gen_ai.provider.name': 'test',
      'gen_ai.usage.input_tokens': 20,
      'nova.run.id': run.id,
      'nova.output': 'Two items are low.',
    });
    const tool = byName('execute_tool notes_search');
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'notes_search',
      'gen_ai.tool.call.id': 'c1',
    });
    expect(byName('invoke_agent erp').attributes).toMatchObject({ 'nova.parent_run.id': run.id });
    expect(spans.find((span) => span.kind === 'chat')?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 5,
      'nova.cost.usd': 0.000015,
    });

    // A delegated run's trace is its own subtree.
    const child = (await app.getRun(run.id)).children[0]!;
    const childTrace = await app.getTrace(child.id);
    expect(childTrace.traceId).toBe(run.id);
    expect(buildTraceTree(childTrace.spans).map(shape)).toEqual([
      { 'invoke_agent erp': [{ 'turn 1': ['chat erp'] }] },
    ]);
  });

  it('never stores a secret: not from tool arguments, tool output or model input', async () => {
    const { app, tracer, traces } = await plannerApp();
    const run = await app.ask({ text: 'check stock', agent: 'planner' });
    await tracer.flush();
    const stored = JSON.stringify(await traces.listSpans(run.id));
    expect(stored).toContain('[REDACTED]');
    expect(stored).toContain('no notes about stock [REDACTED]');
    expect(stored).not.toContain(secret);
  });

  it('marks failing tool calls and failed runs as errors with their code', async () => {
    const { app, tracer } = await createTestApp({
      turns: [{ toolCalls: [{ id: 'c1', name: 'no_such_tool', input: {} }] }],
    });
    const run = await app.ask({ text: 'go', agent: 'assistant' });
    expect(run.status).toBe('failed');
    await tracer.flush();
    const { spans } = await app.getTrace(run.id);
    const tool = spans.find((span) => span.name === 'execute_tool no_such_tool');
    expect(tool).toMatchObject({ status: 'error', attributes: { 'error.type': 'TOOL_ERROR' } });
    const top = spans.find((span) => span.kind === 'invoke_agent');
    expect(top?.status).toBe('error');
    expect(top?.attributes['error.type']).toBe(run.error?.code);
  });

  it('says clearly when a run or trace is unknown', async () => {
    const { app } = await createTestApp();
    await expect(app.getTrace('run_nope')).rejects.toThrow(/no run or trace with id "run_nope"/);
  });
});
