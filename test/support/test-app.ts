import { z } from 'zod';
import { InProcessRunEventBus } from '../../src/adapters/memory/in-process-run-event-bus.ts';
import { InMemoryRunJournal } from '../../src/adapters/memory/in-memory-run-journal.ts';
import { InMemoryClarificationStore } from '../../src/adapters/memory/in-memory-clarification-store.ts';
import { InMemoryTraceStore } from '../../src/adapters/memory/in-memory-trace-store.ts';
import { createRedactor, type Redact } from '../../src/policy/redact.ts';
import { createPriceLookup } from '../../src/runtime/model-prices.ts';
import { StoreTracer } from '../../src/runtime/store-tracer.ts';
import { AgentCatalog } from '../../src/app/agent-catalog.ts';
import { NovaApp, type NovaAppDependencies } from '../../src/app/nova-app.ts';
import { ProjectRegistry, type ProjectEntry } from '../../src/app/project-registry.ts';
import type { AgentDefinition } from '../../src/domain/agent-definition.ts';
import { defaultBudget } from '../../src/domain/budget.ts';
import { NovaError } from '../../src/domain/nova-error.ts';
import type { ChatModel, ModelRequest, ModelResponse, ModelResolver } from '../../src/ports/chat-model.ts';
import type { ContextSource } from '../../src/ports/context-source.ts';
import type { TraceStore } from '../../src/ports/trace-store.ts';
import { defineTool, type Tool } from '../../src/tools/tool.ts';

export type TestTurn =
  | Partial<Pick<ModelResponse, 'text' | 'toolCalls'>>
  | ((request: ModelRequest) => Promise<Partial<ModelResponse>>);

export function testAgent(name: string, overrides: Partial<AgentDefinition['policy']> = {}): AgentDefinition {
  return {
    name,
    title: name,
    domain: 'general',
    description: `${name} test agent`,
    examples: ['hello'],
    instructions: 'Help.',
    sourcePath: `agents/${name}.md`,
    policy: {
      tools: ['notes_search'],
      effects: ['read'],
      projects: ['*'],
      memory: { read: [], write: [] },
      delegates: [],
      budget: defaultBudget,
      ...overrides,
    },
  };
}

export const searchTool: Tool = defineTool({
  name: 'notes_search',
  description: 'search notes',
  inputSchema: z.object({ query: z.string() }),
  effects: ['read'],
  execute: async (input) => `no notes about ${input.query}`,
});

/** A NovaApp over in-memory adapters; every run plays `turns` from the start. */
export async function createTestApp(
  options: {
    turns?: TestTurn[];
    /** Per-agent scripts, keyed by the agent's `model` id. */
    scripts?: Record<string, TestTurn[]>;
    agents?: AgentDefinition[];
    projects?: ProjectEntry[];
    model?: boolean;
    reuseWindowMs?: number;
    contextSource?: ContextSource;
    routing?: NovaAppDependencies['routing'];
    clock?: { now(): number; sleep(ms: number): Promise<void> };
    /** Applied to every span (default: key formats only). */
    redact?: Redact;
    /** Where spans go (default: in memory). */
    traces?: TraceStore;
  } = {},
) {
  const turns = options.turns ?? [{ text: 'hello from the test model' }];
  const agents = options.agents ?? [testAgent('assistant'), testAgent('translator', { tools: [] })];
  const journal = new InMemoryRunJournal();
  const catalog = new AgentCatalog({
    location: 'memory',
    load: () => Promise.resolve({ agents, problems: [] }),
    watch: () => () => undefined,
  });
  await catalog.reload();
  const models: ModelResolver = {
    resolve(modelId) {
      if (options.model === false)
        throw new NovaError('MODEL_NOT_CONFIGURED', 'no model configured; set NOVA_MODEL');
      let call = 0;
      const model: ChatModel = {
        id: modelId ?? 'test:model',
        async generate(request) {
          const script: TestTurn[] =
            (modelId === undefined ? undefined : options.scripts?.[modelId]) ?? turns;
          const turn = script[call++];
          if (!turn) throw new Error('script exhausted');
          const partial = typeof turn === 'function' ? await turn(request) : turn;
          if (partial.text) request.onTextDelta?.(partial.text);
          return {
            text: partial.text ?? '',
            toolCalls: partial.toolCalls ?? [],
            finishReason: 'stop',
            usage: { inputTokens: 5, outputTokens: 5 },
            modelId: model.id,
          };
        },
      };
      return model;
    },
    check: () => Promise.resolve({ ok: true, detail: 'test' }),
  };
  const tools = new Map([[searchTool.name, searchTool]]);
  let counter = 0;
  const clock = options.clock ?? { now: () => Date.now(), sleep: () => Promise.resolve() };
  const traces = options.traces ?? new InMemoryTraceStore();
  const tracer = new StoreTracer({ store: traces, clock, redact: options.redact ?? createRedactor({}) });
  const app = new NovaApp({
    clarifications: new InMemoryClarificationStore(),
    catalog,
    journal,
    models,
    tools: { get: (name) => tools.get(name), list: () => [...tools.values()] },
    toModelToolSpec: (tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.inputSchema),
    }),
    projects: new ProjectRegistry(options.projects ?? []),
    events: new InProcessRunEventBus(),
    clock,
    tracer,
    traces,
    prices: createPriceLookup({ 'test:model': { input: 1, output: 2 } }),
    ...(options.reuseWindowMs === undefined ? {} : { reuseWindowMs: options.reuseWindowMs }),
    ...(options.contextSource === undefined ? {} : { contextSource: options.contextSource }),
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ids: { next: (prefix) => `${prefix}_${String(++counter).padStart(4, '0')}` },
    owner: 'test:1:x',
    isOwnerAlive: () => true,
    defaultAgent: 'assistant',
  });
  return { app, journal, traces, tracer };
}
