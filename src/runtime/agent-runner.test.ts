import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryRunJournal } from '../adapters/memory/in-memory-run-journal.ts';
import type { AgentDefinition } from '../domain/agent-definition.ts';
import { defaultBudget, type Budget } from '../domain/budget.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { Task } from '../domain/task.ts';
import type { ChatModel, ModelRequest, ModelResponse, ModelToolCall } from '../ports/chat-model.ts';
import type { Clock } from '../ports/clock.ts';
import { defineTool, type Tool } from '../tools/tool.ts';
import { runAgent, type AgentRunnerDependencies } from './agent-runner.ts';

type Turn =
  | { text?: string; toolCalls?: ModelToolCall[]; usage?: number }
  | ((request: ModelRequest) => Promise<Partial<ModelResponse>>);

/** A port-level scripted model: plays turns in order and records every request. */
function scriptedModel(turns: Turn[]): ChatModel & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    id: 'test:scripted',
    requests,
    async generate(request) {
      requests.push({ ...request, messages: [...request.messages] });
      const turn = turns[requests.length - 1];
      if (!turn) throw new Error(`script has ${turns.length} turns; call ${requests.length} was made`);
      const partial = typeof turn === 'function' ? await turn(request) : turn;
      const text = 'text' in partial ? (partial.text ?? '') : '';
      if (text) request.onTextDelta?.(text);
      const usageCount = typeof turn === 'function' ? 10 : (turn.usage ?? 10);
      return {
        text,
        toolCalls: partial.toolCalls ?? [],
        finishReason: partial.toolCalls?.length ? 'tool-calls' : 'stop',
        usage: { inputTokens: usageCount, outputTokens: usageCount },
        modelId: 'test:scripted',
      };
    },
  };
}

const counter = { executions: 0 };
const echoTool: Tool = defineTool({
  name: 'notes_search',
  description: 'search notes',
  inputSchema: z.object({ query: z.string().min(1) }),
  effects: ['read'],
  async execute(input) {
    counter.executions += 1;
    return `found 1 note about ${input.query}`;
  },
});
const writeTool: Tool = defineTool({
  name: 'notes_add',
  description: 'add a note',
  inputSchema: z.object({ text: z.string() }),
  effects: ['write'],
  async execute() {
    counter.executions += 1;
    return 'saved';
  },
});

function agent(
  overrides: {
    tools?: string[];
    effects?: AgentDefinition['policy']['effects'];
    budget?: Partial<Budget>;
  } = {},
): AgentDefinition {
  return {
    name: 'assistant',
    title: 'Assistant',
    domain: 'general',
    description: 'General help',
    examples: ['hello'],
    instructions: 'Be helpful.',
    sourcePath: 'agents/assistant.md',
    policy: {
      tools: overrides.tools ?? ['notes_search', 'notes_add'],
      effects: overrides.effects ?? ['read'],
      projects: [],
      memory: { read: [], write: [] },
      delegates: [],
      budget: { ...defaultBudget, ...overrides.budget },
    },
  };
}

const task: Task = {
  id: 'task_1',
  text: 'find my welcome note',
  requester: { kind: 'owner' },
  constraints: {},
  createdAt: '2026-11-22T10:00:00.000Z',
};

function setup() {
  const journal = new InMemoryRunJournal();
  let now = Date.parse('2026-11-22T10:00:00.000Z');
  const clock: Clock = { now: () => (now += 1), sleep: () => Promise.resolve() };
  const tools = new Map([echoTool, writeTool].map((tool) => [tool.name, tool]));
  const dependencies: AgentRunnerDependencies = {
    journal,
    clock,
    owner: 'test:1:a',
    tools,
    toModelToolSpec: (tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.inputSchema),
    }),
  };
  return { journal, dependencies };
}

const call = (input: unknown, name = 'notes_search', extra: Partial<ModelToolCall> = {}): ModelToolCall => ({
  id: `call_${Math.random().toString(36).slice(2)}`,
  name,
  input,
  ...extra,
});

describe('runAgent', () => {
  it('answers after a tool call and journals each step with its input and output', async () => {
    const { journal, dependencies } = setup();
    const model = scriptedModel([
      { toolCalls: [call({ query: 'welcome' })] },
      { text: 'Your note says hi.' },
    ]);
    const events: RunEvent[] = [];
    const run = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent(),
      model,
      projects: [],
      onEvent: (event) => events.push(event),
    });

    expect(run.status).toBe('succeeded');
    expect(run.outcome?.output).toBe('Your note says hi.');
    expect(run.usage).toEqual({ inputTokens: 20, outputTokens: 20 });
    const steps = await journal.listSteps('run_1');
    expect(steps.map((step) => [step.seq, step.kind, step.name, step.status])).toEqual([
      [1, 'model-call', 'test:scripted', 'succeeded'],
      [2, 'tool-call', 'notes_search', 'succeeded'],
      [3, 'model-call', 'test:scripted', 'succeeded'],
    ]);
    expect(steps[1]?.input).toMatchObject({ input: { query: 'welcome' } });
    expect(steps[1]?.output).toBe('found 1 note about welcome');
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', results: [{ isError: false }] });
    expect((await journal.getRun('run_1'))?.status).toBe('succeeded');
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'step-end',
      'step-start',
      'step-end',
      'step-start',
      'text-delta',
      'step-end',
      'run-end',
    ]);
  });

  it('journals only the new messages of each model call, so steps do not grow with the conversation', async () => {
    const { journal, dependencies } = setup();
    const turns: Turn[] = Array.from({ length: 6 }, (_, index) => ({
      toolCalls: [call({ query: `q${index}` })],
    }));
    const model = scriptedModel([...turns, { text: 'done' }]);
    await runAgent(dependencies, { runId: 'run_1', task, agent: agent(), model, projects: [] });
    const modelSteps = (await journal.listSteps('run_1')).filter((step) => step.kind === 'model-call');
    expect(JSON.stringify(modelSteps[0]?.input)).toContain('Be helpful.');
    const laterSizes = modelSteps.slice(1).map((step) => JSON.stringify(step.input).length);
    expect(Math.max(...laterSizes) - Math.min(...laterSizes)).toBeLessThan(20);
  });

  it('returns invalid arguments and malformed JSON to the model as tool errors, then carries on', async () => {
    const { journal, dependencies } = setup();
    const model = scriptedModel([
      { toolCalls: [call({ query: 42 })] },
      { toolCalls: [call('{"query": ', 'notes_search', { parseError: 'Unexpected end of JSON input' })] },
      { toolCalls: [call({ query: 'welcome' })] },
      { text: 'ok' },
    ]);
    const run = await runAgent(dependencies, { runId: 'run_1', task, agent: agent(), model, projects: [] });
    expect(run.status).toBe('succeeded');
    const toolResults = model.requests.slice(1).map((request) => request.messages.at(-1));
    expect(toolResults[0]).toMatchObject({
      results: [{ isError: true, output: expect.stringContaining('query: Invalid input') }],
    });
    expect(toolResults[1]).toMatchObject({
      results: [{ isError: true, output: expect.stringContaining('not valid JSON') }],
    });
    const steps = await journal.listSteps('run_1');
    expect(steps.filter((step) => step.kind === 'tool-call').map((step) => step.status)).toEqual([
      'failed',
      'failed',
      'succeeded',
    ]);
  });

  it('fails the run when the model keeps making bad tool calls', async () => {
    const { dependencies } = setup();
    const bad = { toolCalls: [call({ wrong: true })] };
    const model = scriptedModel([bad, bad, bad]);
    const run = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent({ budget: { maxToolErrors: 2 } }),
      model,
      projects: [],
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'TOOL_ERROR',
      message: expect.stringContaining('3 failing tool calls'),
    });
  });

  it('refuses a tool the policy does not allow, whatever the model asks, and never runs it', async () => {
    const { journal, dependencies } = setup();
    counter.executions = 0;
    const model = scriptedModel([{ toolCalls: [call({ text: 'pwned' }, 'notes_add')] }, { text: 'sorry' }]);
    // notes_add is listed but its `write` effect is not allowed: it is neither offered nor run.
    const run = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent({ effects: ['read'] }),
      model,
      projects: [],
    });
    expect(run.status).toBe('succeeded');
    expect(counter.executions).toBe(0);
    expect(model.requests[0]?.tools.map((tool) => tool.name)).toEqual(['notes_search']);
    const refused = (await journal.listSteps('run_1'))[1];
    expect(refused).toMatchObject({
      status: 'failed',
      error: { code: 'TOOL_ERROR', message: expect.stringContaining('may not cause') },
    });
  });

  it('stops at the step budget and the token budget with a clear error', async () => {
    const { dependencies } = setup();
    const loop = { toolCalls: [call({ query: 'again' })] };
    const steps = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent({ budget: { maxSteps: 3 } }),
      model: scriptedModel([loop, loop, loop]),
      projects: [],
    });
    expect(steps.error).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: expect.stringContaining('step budget of 3'),
    });
    const tokens = await runAgent(dependencies, {
      runId: 'run_2',
      task,
      agent: agent({ budget: { maxTokens: 150 } }),
      model: scriptedModel([{ ...loop, usage: 100 }]),
      projects: [],
    });
    expect(tokens.error).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: expect.stringContaining('token budget of 150'),
    });
  });

  it('cancels a run whose caller aborts, and enforces the wall-time budget', async () => {
    const { journal, dependencies } = setup();
    const hang: Turn = (request) =>
      new Promise((_, reject) =>
        request.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const controller = new AbortController();
    const pending = runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent(),
      model: scriptedModel([hang]),
      projects: [],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const cancelled = await pending;
    expect(cancelled.status).toBe('cancelled');
    expect((await journal.listSteps('run_1'))[0]).toMatchObject({
      status: 'failed',
      error: { code: 'CANCELLED' },
    });

    const slow = await runAgent(dependencies, {
      runId: 'run_2',
      task,
      agent: agent({ budget: { maxWallTimeMs: 30 } }),
      model: scriptedModel([hang]),
      projects: [],
    });
    expect(slow.error).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: expect.stringContaining('wall-time'),
    });
  });

  it('nudges the model after an empty reply and records a model failure as the run error', async () => {
    const { dependencies } = setup();
    const nudged = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent(),
      model: scriptedModel([{ text: '' }, { text: 'here you go' }]),
      projects: [],
    });
    expect(nudged.outcome?.output).toBe('here you go');

    const failing = scriptedModel([
      () => Promise.reject(new NovaError('MODEL_ERROR', 'openai:gpt-4o-mini failed after 3 attempts: 503')),
    ]);
    const failed = await runAgent(dependencies, {
      runId: 'run_2',
      task,
      agent: agent(),
      model: failing,
      projects: [],
    });
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'MODEL_ERROR', message: expect.stringContaining('503') },
    });
  });

  it('checks the answer against an output contract, sends violations back, and fails when they persist', async () => {
    const { journal, dependencies } = setup();
    const contract = {
      type: 'object',
      required: ['severity'],
      properties: { severity: { enum: ['low', 'high'] } },
    };
    const withContract: AgentDefinition = { ...agent(), outputContract: contract };
    const fixed = scriptedModel([
      { text: 'It is probably high.' },
      { text: '{"severity": "urgent"}' },
      { text: 'Here you go:\n```json\n{"severity": "high"}\n```' },
    ]);
    const run = await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: withContract,
      model: fixed,
      projects: [],
    });
    expect(run).toMatchObject({ status: 'succeeded', outcome: { output: { severity: 'high' } } });
    expect(String(fixed.requests[0]?.system)).toContain('must be only JSON matching this JSON Schema');
    const feedback = fixed.requests[2]?.messages.at(-1);
    expect(feedback).toMatchObject({
      role: 'user',
      content: expect.stringContaining('/severity must be equal to one of the allowed values'),
    });

    const stubborn = scriptedModel([{ text: 'no' }, { text: 'still no' }, { text: '{"severity": 3}' }]);
    const failed = await runAgent(dependencies, {
      runId: 'run_2',
      task,
      agent: withContract,
      model: stubborn,
      projects: [],
    });
    expect(failed).toMatchObject({
      status: 'failed',
      error: {
        code: 'OUTPUT_INVALID',
        message: expect.stringContaining('broke its output contract 3 times'),
      },
    });
    expect((await journal.getRun('run_2'))?.outcome).toBeUndefined();
  });
});

describe('runAgent replay and resume', () => {
  /** An in-memory effect ledger with the contract's begin-once behaviour. */
  function ledger() {
    const records = new Map<
      string,
      {
        key: string;
        runId: string;
        tool: string;
        input: unknown;
        status: 'started' | 'succeeded' | 'failed';
        output?: string;
        startedAt: string;
      }
    >();
    return {
      records,
      async begin(record: { key: string; runId: string; tool: string; input: unknown; startedAt: string }) {
        const existing = records.get(record.key);
        if (existing) return existing;
        records.set(record.key, { ...record, status: 'started' });
        return undefined;
      },
      async finish(key: string, completion: { status: 'succeeded' | 'failed'; output: string }) {
        const existing = records.get(key)!;
        records.set(key, { ...existing, ...completion });
      },
      async get(key: string) {
        return records.get(key);
      },
    };
  }

  it('resumes from recorded steps: finished model and tool calls are played back, the rest runs live', async () => {
    const { journal, dependencies } = setup();
    const effects = ledger();
    const writer = agent({ effects: ['read', 'write'] });
    const first = scriptedModel([
      { toolCalls: [{ id: 'c1', name: 'notes_add', input: { text: 'remember this' } }] },
      () => Promise.reject(new Error('the process died here')),
    ]);
    counter.executions = 0;
    await runAgent(
      { ...dependencies, effects },
      { runId: 'run_1', task, agent: writer, model: first, projects: [] },
    );
    expect(counter.executions).toBe(1);
    const recorded = (await journal.listSteps('run_1')).filter((step) => step.status === 'succeeded');
    expect(recorded.map((step) => step.kind)).toEqual(['model-call', 'tool-call']);

    const second = scriptedModel([{ text: 'Noted.' }]);
    const divergences: unknown[] = [];
    const run = await runAgent(
      { ...dependencies, effects },
      {
        runId: 'run_2',
        task,
        agent: writer,
        model: second,
        projects: [],
        replay: { steps: recorded, strict: false, onDivergence: (d) => divergences.push(d) },
      },
    );
    expect(run.status).toBe('succeeded');
    expect(run.outcome?.output).toBe('Noted.');
    expect(second.requests).toHaveLength(1);
    expect(counter.executions).toBe(1);
    expect((await journal.listSteps('run_2')).map((step) => `${step.kind}:${step.status}`)).toEqual([
      'model-call:succeeded',
      'tool-call:succeeded',
      'model-call:succeeded',
    ]);
    expect(divergences).toEqual([]);
  });

  it('does not repeat a side effect the ledger shows finished, even when the step record was lost', async () => {
    const { dependencies } = setup();
    const effects = ledger();
    const writer = agent({ effects: ['read', 'write'] });
    counter.executions = 0;
    const turns = () =>
      scriptedModel([
        { toolCalls: [{ id: 'c1', name: 'notes_add', input: { text: 'once' } }] },
        { text: 'done' },
      ]);
    await runAgent(
      { ...dependencies, effects },
      { runId: 'run_1', task, agent: writer, model: turns(), projects: [] },
    );
    await runAgent(
      { ...dependencies, effects },
      { runId: 'run_2', task, agent: writer, model: turns(), projects: [] },
    );
    expect(counter.executions).toBe(1);
  });

  it('stops rather than repeat a call of a tool that cannot take an idempotency key after a crash mid-call', async () => {
    const { dependencies } = setup();
    const effects = ledger();
    const writer = agent({ effects: ['read', 'write'] });
    const key = await (async () => {
      const crashed = scriptedModel([
        { toolCalls: [{ id: 'c1', name: 'notes_add', input: { text: 'x' } }] },
        { text: 'done' },
      ]);
      await runAgent(
        { ...dependencies, effects },
        { runId: 'run_1', task, agent: writer, model: crashed, projects: [] },
      );
      return [...effects.records.keys()][0]!;
    })();
    effects.records.set(key, { ...effects.records.get(key)!, status: 'started' });
    const again = scriptedModel([
      { toolCalls: [{ id: 'c1', name: 'notes_add', input: { text: 'x' } }] },
      { text: 'done' },
    ]);
    const run = await runAgent(
      { ...dependencies, effects },
      { runId: 'run_2', task, agent: writer, model: again, projects: [] },
    );
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('CONFLICT');
    expect(run.error?.message).toMatch(
      /may or may not have taken effect; notes_add cannot be repeated safely/,
    );
  });

  it('in strict replay reports where a run asks for something else than it did', async () => {
    const { journal, dependencies } = setup();
    await runAgent(dependencies, {
      runId: 'run_1',
      task,
      agent: agent(),
      model: scriptedModel([
        { toolCalls: [{ id: 'c1', name: 'notes_search', input: { query: 'a' } }] },
        { text: 'ok' },
      ]),
      projects: [],
    });
    const steps = await journal.listSteps('run_1');
    const divergences: Array<{ seq: number; reason: string }> = [];
    const replayed = await runAgent(dependencies, {
      runId: 'run_2',
      task: { ...task, text: 'something else entirely' },
      agent: agent(),
      model: scriptedModel([]),
      projects: [],
      replay: { steps, strict: true, onDivergence: (d) => divergences.push(d) },
    });
    expect(replayed.status).toBe('failed');
    expect(divergences[0]).toMatchObject({
      seq: 1,
      reason: 'the step was asked for something else than recorded',
    });
  });
});

describe('runAgent cost budget', () => {
  it('stops when the estimated cost passes budget.costUsd, and refuses a cost budget it cannot check', async () => {
    const { dependencies } = setup();
    const priced = { ...dependencies, prices: () => ({ input: 1_000, output: 1_000 }) };
    // 20 tokens a call at $1,000 per million tokens = $0.02 a call.
    const spender = agent({ budget: { maxCostUsd: 0.03 } });
    const run = await runAgent(priced, {
      runId: 'run_cost',
      task,
      agent: spender,
      model: scriptedModel([
        { toolCalls: [call({ query: 'a' })] },
        { toolCalls: [call({ query: 'b' })] },
        { text: 'done' },
      ]),
      projects: [],
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(run.error?.message).toMatch(/cost budget of \$0.03 spent \(\$0.0400 estimated\)/);

    const unknown = await runAgent(dependencies, {
      runId: 'run_cost_unknown',
      task,
      agent: spender,
      model: scriptedModel([{ text: 'done' }]),
      projects: [],
    });
    expect(unknown.status).toBe('failed');
    expect(unknown.error?.message).toMatch(/price of test:scripted is unknown; add it under models.prices/);
  });
});
