/**
 * `npm run bench [-- --json]`: Nova's orchestration overhead per step next to a plain AI SDK
 * tool loop, the journal's cost per step, and per-step cost early vs late in a 1,000-step run.
 * Figures are medians over repeated rounds; compare ratios from one run (the machine is shared).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateText, stepCountIs, tool } from 'ai';
import { z } from 'zod';
import { InMemoryRunJournal } from '../src/adapters/memory/in-memory-run-journal.ts';
import { AiSdkChatModel } from '../src/adapters/models/ai-sdk-chat-model.ts';
import type { ScriptedResponse } from '../src/adapters/models/model-script.ts';
import { ScriptedLanguageModel } from '../src/adapters/models/scripted-language-model.ts';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteRunJournal } from '../src/adapters/sqlite/sqlite-run-journal.ts';
import { systemClock } from '../src/adapters/system/system-clock.ts';
import type { AgentDefinition } from '../src/domain/agent-definition.ts';
import { defaultBudget } from '../src/domain/budget.ts';
import { emptyContextPack } from '../src/domain/context-item.ts';
import type { Step } from '../src/domain/step.ts';
import type { Task } from '../src/domain/task.ts';
import type { ChatModel } from '../src/ports/chat-model.ts';
import type { RunJournal } from '../src/ports/run-journal.ts';
import { runAgent } from '../src/runtime/agent-runner.ts';
import { defineTool } from '../src/tools/tool.ts';
import { toModelToolSpec } from '../src/tools/tool-registry.ts';
import { runRoutingBench } from './routing-bench.ts';
import { runPipelineBench } from './pipeline-bench.ts';
import { runMemoryBench } from './memory-bench.ts';
import { formatTracingBench, runTracingBench } from './tracing-bench.ts';

const asJson = process.argv.includes('--json');
const log = (line: string): void => {
  if (!asJson) process.stdout.write(`${line}\n`);
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[middle] ?? 0);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Turn i < turns-1 calls the echo tool; the last answers. Zero latency. */
function script(turns: number): (callIndex: number) => ScriptedResponse {
  return (callIndex) =>
    callIndex < turns - 1
      ? {
          toolCalls: [{ name: 'echo', args: { text: `step ${callIndex}` } }],
          usage: { inputTokens: 1, outputTokens: 1 },
        }
      : { text: 'done', usage: { inputTokens: 1, outputTokens: 1 } };
}

const echoTool = defineTool({
  name: 'echo',
  description: 'returns its input',
  inputSchema: z.object({ text: z.string() }),
  effects: ['read'],
  execute: async (input) => input.text,
});

const agent: AgentDefinition = {
  name: 'bench',
  title: 'Bench',
  domain: 'general',
  description: 'benchmark agent',
  examples: ['x'],
  instructions: 'Call echo until told otherwise.',
  sourcePath: 'bench',
  policy: {
    tools: ['echo'],
    effects: ['read'],
    projects: [],
    memory: { read: [], write: [] },
    delegates: [],
    budget: {
      ...defaultBudget,
      maxSteps: 1_000_000,
      maxTokens: Number.MAX_SAFE_INTEGER,
      maxWallTimeMs: 3_600_000,
    },
  },
};

function task(id: string): Task {
  return {
    id,
    text: 'run the benchmark',
    requester: { kind: 'owner' },
    constraints: {},
    createdAt: new Date().toISOString(),
  };
}

let runCounter = 0;
async function novaRun(turns: number, journal: RunJournal, model?: ChatModel): Promise<number> {
  const chatModel = model ?? new AiSdkChatModel('scripted:bench', new ScriptedLanguageModel(script(turns)));
  const started = performance.now();
  const run = await runAgent(
    {
      journal,
      clock: systemClock,
      owner: 'bench:0:0',
      tools: new Map([['echo', echoTool]]),
      toModelToolSpec,
    },
    {
      runId: `run_bench_${++runCounter}`,
      task: task(`task_${runCounter}`),
      agent,
      model: chatModel,
      projects: [],
    },
  );
  if (run.status !== 'succeeded') throw new Error(`benchmark run failed: ${run.error?.message}`);
  return performance.now() - started;
}

async function plainSdkRun(turns: number): Promise<number> {
  const model = new ScriptedLanguageModel(script(turns));
  const started = performance.now();
  const result = await generateText({
    model,
    system: 'Call echo until told otherwise.',
    messages: [{ role: 'user', content: 'run the benchmark' }],
    tools: {
      echo: tool({
        description: 'returns its input',
        inputSchema: z.object({ text: z.string() }),
        execute: async ({ text }) => text,
      }),
    },
    stopWhen: stepCountIs(turns + 1),
    maxRetries: 0,
  });
  if (result.text !== 'done') throw new Error('plain AI SDK loop did not finish');
  return performance.now() - started;
}

function tempJournal(): { journal: SqliteRunJournal; cleanup(): void } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-bench-'));
  const journal = new SqliteRunJournal(openSqliteDatabase(path.join(directory, 'nova.db')));
  return {
    journal,
    cleanup: () => {
      void journal.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function overheadPerStep(): Promise<Record<string, number>> {
  const turns = 50;
  const rounds = 15;
  const plain: number[] = [];
  const novaMemory: number[] = [];
  const novaSqlite: number[] = [];
  const sqlite = tempJournal();
  // Warm-up, so JIT compilation is not measured.
  for (let index = 0; index < 3; index++) {
    await plainSdkRun(turns);
    await novaRun(turns, new InMemoryRunJournal());
    await novaRun(turns, sqlite.journal);
  }
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so background noise hits all three alike.
    plain.push((await plainSdkRun(turns)) / turns);
    novaMemory.push((await novaRun(turns, new InMemoryRunJournal())) / turns);
    novaSqlite.push((await novaRun(turns, sqlite.journal)) / turns);
  }
  sqlite.cleanup();
  return {
    turnsPerRun: turns,
    plainSdkMicrosecondsPerTurn: median(plain) * 1000,
    novaInMemoryMicrosecondsPerTurn: median(novaMemory) * 1000,
    novaSqliteMicrosecondsPerTurn: median(novaSqlite) * 1000,
    novaInMemoryToPlainRatio: median(novaMemory) / median(plain),
  };
}

async function journalCostPerStep(): Promise<Record<string, number>> {
  const temporary = tempJournal();
  const journal = temporary.journal;
  const steps = 5_000;
  await journal.createRun({
    id: 'run_journal',
    task: task('task_journal'),
    agent: 'bench',
    model: 'scripted:bench',
    rootRunId: 'run_journal',
    status: 'running',
    startedAt: new Date().toISOString(),
    usage: { inputTokens: 0, outputTokens: 0 },
    context: emptyContextPack,
    owner: 'bench:0:0',
  });
  const input = {
    toolCallId: 'call_1',
    input: { query: 'x'.repeat(200), options: { limit: 10, project: 'acme' } },
  };
  const output = 'y'.repeat(400);
  const costs: number[] = [];
  for (let seq = 1; seq <= steps; seq++) {
    const started = performance.now();
    const step: Step = {
      runId: 'run_journal',
      seq,
      kind: 'tool-call',
      name: 'notes_search',
      status: 'started',
      input,
      startedAt: new Date().toISOString(),
    };
    await journal.startStep(step);
    await journal.finishStep('run_journal', seq, {
      status: 'succeeded',
      endedAt: new Date().toISOString(),
      durationMs: 1,
      output,
    });
    costs.push(performance.now() - started);
  }
  temporary.cleanup();
  return {
    steps,
    journalMedianMillisecondsPerStep: median(costs),
    journalP99MillisecondsPerStep: percentile(costs, 99),
    journalFirst100MedianMs: median(costs.slice(0, 100)),
    journalLast100MedianMs: median(costs.slice(-100)),
  };
}

/** Records when each step starts, to cost steps 1–10 against 991–1,000. */
class TimingJournal extends InMemoryRunJournal {
  readonly starts: number[] = [];
  readonly #inner: RunJournal;
  constructor(inner: RunJournal) {
    super();
    this.#inner = inner;
  }
  override async createRun(...args: Parameters<RunJournal['createRun']>): Promise<void> {
    return this.#inner.createRun(...args);
  }
  override async startStep(step: Step): Promise<void> {
    this.starts.push(performance.now());
    return this.#inner.startStep(step);
  }
  override async finishStep(...args: Parameters<RunJournal['finishStep']>): Promise<void> {
    return this.#inner.finishStep(...args);
  }
  override async completeRun(...args: Parameters<RunJournal['completeRun']>): Promise<void> {
    return this.#inner.completeRun(...args);
  }
}

/** Measures time spent inside the model adapter, to separate it from Nova's own work. */
class TimedModel implements ChatModel {
  readonly id = 'scripted:bench';
  readonly spans: Array<[number, number]> = [];
  readonly #inner: ChatModel;
  constructor(inner: ChatModel) {
    this.#inner = inner;
  }
  async generate(request: Parameters<ChatModel['generate']>[0]) {
    const started = performance.now();
    const response = await this.#inner.generate(request);
    this.spans.push([started, performance.now()]);
    return response;
  }
}

async function lateVersusEarly(): Promise<Record<string, number>> {
  const sqlite = tempJournal();
  const timing = new TimingJournal(sqlite.journal);
  const turns = 501; // 500 model calls that call a tool + 1 final answer: 1,001 journaled steps
  const model = new TimedModel(
    new AiSdkChatModel('scripted:bench', new ScriptedLanguageModel(script(turns))),
  );
  await novaRun(turns, timing, model);
  sqlite.cleanup();
  const stepCost = timing.starts
    .slice(0, 1_000)
    .map((start, index) => (timing.starts[index + 1] ?? start) - start);
  // Nova's own cost of a step: the step's time minus time spent inside the model adapter.
  const modelTime = (start: number, end: number): number =>
    model.spans
      .filter(([from]) => from >= start && from < end)
      .reduce((sum, [from, to]) => sum + (to - from), 0);
  const ownCost = timing.starts.slice(0, 1_000).map((start, index) => {
    const end = timing.starts[index + 1] ?? start;
    return end - start - modelTime(start, end);
  });
  // Pairs keep a model call and a tool call together in each window.
  const early = stepCost.slice(0, 10);
  const late = stepCost.slice(990, 1_000);
  const plainEarly: number[] = [];
  const plainLate: number[] = [];
  {
    const stepStarts: number[] = [];
    const plainModel = new ScriptedLanguageModel((callIndex) => {
      stepStarts.push(performance.now());
      return script(turns)(callIndex);
    });
    await generateText({
      model: plainModel,
      messages: [{ role: 'user', content: 'run the benchmark' }],
      tools: {
        echo: tool({ inputSchema: z.object({ text: z.string() }), execute: async ({ text }) => text }),
      },
      stopWhen: stepCountIs(turns + 1),
      maxRetries: 0,
    });
    const perTurn = stepStarts.slice(0, -1).map((start, index) => (stepStarts[index + 1] ?? start) - start);
    plainEarly.push(...perTurn.slice(0, 5));
    plainLate.push(...perTurn.slice(495, 500));
  }
  return {
    stepsEarlyMedianMs: median(early),
    stepsLateMedianMs: median(late),
    lateToEarlyRatio: median(late) / median(early),
    novaOwnEarlyMedianMs: median(ownCost.slice(0, 10)),
    novaOwnLateMedianMs: median(ownCost.slice(990, 1_000)),
    novaOwnLateToEarlyRatio: median(ownCost.slice(990, 1_000)) / median(ownCost.slice(0, 10)),
    plainSdkTurnEarlyMedianMs: median(plainEarly),
    plainSdkTurnLateMedianMs: median(plainLate),
    plainSdkLateToEarlyRatio: median(plainLate) / median(plainEarly),
  };
}

const format = (value: number, digits = 1): string => value.toFixed(digits);

log('Nova benchmark (zero-latency scripted model; medians; compare ratios within one run)\n');
const overhead = await overheadPerStep();
log(`1. Orchestration per model turn (tool call + result), ${overhead.turnsPerRun} turns per run`);
log(`   plain AI SDK generateText tool loop   ${format(overhead.plainSdkMicrosecondsPerTurn ?? 0)} µs/turn`);
log(
  `   Nova runtime, in-memory journal       ${format(overhead.novaInMemoryMicrosecondsPerTurn ?? 0)} µs/turn  (${format(overhead.novaInMemoryToPlainRatio ?? 0, 2)}× plain; target ≤ 1.00×)`,
);
log(
  `   Nova runtime, SQLite journal          ${format(overhead.novaSqliteMicrosecondsPerTurn ?? 0)} µs/turn\n`,
);
const journal = await journalCostPerStep();
log(`2. Journal (SQLite file, WAL) per step: start + finish, ${journal.steps} steps`);
log(
  `   median ${format(journal.journalMedianMillisecondsPerStep ?? 0, 3)} ms · p99 ${format(journal.journalP99MillisecondsPerStep ?? 0, 3)} ms (target median ≤ 0.3 ms)`,
);
log(
  `   first 100 ${format(journal.journalFirst100MedianMs ?? 0, 3)} ms · last 100 ${format(journal.journalLast100MedianMs ?? 0, 3)} ms\n`,
);
const growth = await lateVersusEarly();
log('3. One 1,000-step run (SQLite journal): cost per step, steps 1–10 vs 991–1,000');
log(
  `   whole step            ${format(growth.stepsEarlyMedianMs ?? 0, 3)} ms → ${format(growth.stepsLateMedianMs ?? 0, 3)} ms  (${format(growth.lateToEarlyRatio ?? 0, 2)}×)`,
);
log(
  `   Nova's own part       ${format(growth.novaOwnEarlyMedianMs ?? 0, 3)} ms → ${format(growth.novaOwnLateMedianMs ?? 0, 3)} ms  (${format(growth.novaOwnLateToEarlyRatio ?? 0, 2)}×; target ≤ 1.2×)`,
);
log(
  `   plain AI SDK turn     ${format(growth.plainSdkTurnEarlyMedianMs ?? 0, 3)} ms → ${format(growth.plainSdkTurnLateMedianMs ?? 0, 3)} ms  (${format(growth.plainSdkLateToEarlyRatio ?? 0, 2)}×: the SDK re-reads the whole conversation every turn)`,
);
const routing = await runRoutingBench();
log('\n4. Routing (offline ranker; synthetic agents added to reach 150 and 500)');
for (const [name, value] of Object.entries(routing)) {
  log(`   ${name.padEnd(34)} ${value >= 100 ? Math.round(value).toString() : value.toFixed(3)}`);
}
const tracing = await runTracingBench();
log('');
for (const line of formatTracingBench(tracing)) log(line);
const pipelines = await runPipelineBench();
log('\n6. Durable pipelines (SQLite file, WAL; every step journaled, each a side effect through the ledger)');
log(`   per step (10-step pipelines)        ${format(pipelines.pipelineStepMedianMs ?? 0, 3)} ms`);
log(
  `   1,000-step pipeline, steps 1–10 vs 991–1,000   ${format(pipelines.pipelineStepsEarlyMedianMs ?? 0, 3)} ms → ${format(pipelines.pipelineStepsLateMedianMs ?? 0, 3)} ms  (${format(pipelines.pipelineLateToEarlyRatio ?? 0, 2)}×; target ≤ 1.2×)`,
);
log(
  `   resume after kill -9 mid-way: ${pipelines.resumeStepsAlreadyDone} steps already done, first new step after ${format(pipelines.resumeToFirstNewStepMs ?? 0, 1)} ms, finished in ${format(pipelines.resumeToCompletionMs ?? 0, 0)} ms`,
);
const memory = await runMemoryBench();
log('\n7. Memory (SQLite FTS5 + exact vector search over 64-dim hash embeddings; 40 queries each)');
log(
  `   indexing ${memory.indexFiles} files: ${format(memory.indexFilesPerSecond ?? 0, 0)} files/s first time, ${format(memory.reindexUnchangedFilesPerSecond ?? 0, 0)} files/s when unchanged`,
);
for (const count of [10_000, 100_000]) {
  log(
    `   ${count.toLocaleString('en')} items: full text p50 ${format(memory[`fullTextP50Ms_${count}`] ?? 0, 2)} ms / p99 ${format(memory[`fullTextP99Ms_${count}`] ?? 0, 2)} ms · hybrid p50 ${format(memory[`hybridP50Ms_${count}`] ?? 0, 2)} ms / p99 ${format(memory[`hybridP99Ms_${count}`] ?? 0, 2)} ms · brute force p50 ${format(memory[`bruteForceP50Ms_${count}`] ?? 0, 1)} ms · hybrid recall@10 ${format(memory[`hybridRecallAt10_${count}`] ?? 0, 3)}`,
  );
}
log('   targets at 100k: full text p50 ≤ 5 ms, hybrid p50 ≤ 60 ms, recall@10 ≥ 0.95');
if (asJson)
  process.stdout.write(
    `${JSON.stringify({ overhead, journal, growth, routing, tracing, pipelines, memory }, null, 2)}\n`,
  );
