/**
 * Tracing overhead per agent turn: the same scripted runs (zero-latency model, one tool call per
 * turn, SQLite journal) with tracing off, with spans stored in SQLite, and with spans stored and
 * handed to the OTLP batch exporter (its network send replaced by a discard, so only Nova's and
 * the SDK's in-process cost is measured). Interleaved rounds, medians; compare within one run.
 * Standalone: `npx node bench/tracing-bench.ts [--json]`; also part of `npm run bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { AiSdkChatModel } from '../src/adapters/models/ai-sdk-chat-model.ts';
import { ScriptedLanguageModel } from '../src/adapters/models/scripted-language-model.ts';
import { OtlpExportingTraceStore } from '../src/adapters/otel/otlp-trace-export.ts';
import { openSqliteDatabase, type SqliteDatabase } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteRunJournal } from '../src/adapters/sqlite/sqlite-run-journal.ts';
import { SqliteTraceStore } from '../src/adapters/sqlite/sqlite-trace-store.ts';
import { systemClock } from '../src/adapters/system/system-clock.ts';
import type { AgentDefinition } from '../src/domain/agent-definition.ts';
import { defaultBudget } from '../src/domain/budget.ts';
import { createRedactor } from '../src/policy/redact.ts';
import type { Tracer } from '../src/ports/tracer.ts';
import { runAgent } from '../src/runtime/agent-runner.ts';
import { createPriceLookup } from '../src/runtime/model-prices.ts';
import { StoreTracer } from '../src/runtime/store-tracer.ts';
import { defineTool } from '../src/tools/tool.ts';
import { toModelToolSpec } from '../src/tools/tool-registry.ts';

const echoTool = defineTool({
  name: 'echo',
  description: 'returns its input',
  inputSchema: z.object({ text: z.string() }),
  effects: ['read'],
  execute: async (input) => `echo: ${input.text}`,
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[middle] ?? 0);
}

let counter = 0;
async function timedRun(turns: number, journal: SqliteRunJournal, tracer?: Tracer): Promise<number> {
  const model = new AiSdkChatModel(
    'openai:gpt-4o-mini',
    new ScriptedLanguageModel((callIndex) =>
      callIndex < turns - 1
        ? {
            toolCalls: [{ name: 'echo', args: { text: `step ${callIndex} with some text to trace` } }],
            usage: { inputTokens: 120, outputTokens: 12 },
          }
        : { text: 'done', usage: { inputTokens: 120, outputTokens: 2 } },
    ),
  );
  const id = ++counter;
  const started = performance.now();
  const run = await runAgent(
    {
      journal,
      clock: systemClock,
      owner: 'bench:0:0',
      tools: new Map([['echo', echoTool]]),
      toModelToolSpec,
      ...(tracer ? { tracer, prices: createPriceLookup() } : {}),
    },
    {
      runId: `run_trace_bench_${id}`,
      task: {
        id: `task_${id}`,
        text: 'run the benchmark',
        requester: { kind: 'owner' },
        constraints: {},
        createdAt: new Date().toISOString(),
      },
      agent,
      model,
      projects: [],
    },
  );
  // Writing the spans is part of the cost, even though it happens after the run here.
  await tracer?.flush();
  if (run.status !== 'succeeded') throw new Error(`benchmark run failed: ${run.error?.message}`);
  return performance.now() - started;
}

/** An exporter that accepts every batch and sends nothing. */
const discardExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

export async function runTracingBench(): Promise<Record<string, number>> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-trace-bench-'));
  const databases: SqliteDatabase[] = [];
  const open = (name: string): SqliteDatabase => {
    const database = openSqliteDatabase(path.join(directory, name));
    databases.push(database);
    return database;
  };
  try {
    const turns = 50;
    const rounds = 15;
    // Secret-looking variables of this shell feed the redactor, as in a real Nova.
    const redact = createRedactor({ env: process.env });
    const offDb = open('off.db');
    const storedDb = open('stored.db');
    const exportedDb = open('exported.db');
    const off = new SqliteRunJournal(offDb);
    const stored = {
      journal: new SqliteRunJournal(storedDb),
      tracer: new StoreTracer({ store: new SqliteTraceStore(storedDb), clock: systemClock, redact }),
    };
    const exporting = new OtlpExportingTraceStore(new SqliteTraceStore(exportedDb), {
      endpoint: 'http://127.0.0.1:9',
      exporter: discardExporter,
      scheduledDelayMillis: 50,
    });
    const exported = {
      journal: new SqliteRunJournal(exportedDb),
      tracer: new StoreTracer({ store: exporting, clock: systemClock, redact }),
    };
    for (let index = 0; index < 3; index++) {
      await timedRun(turns, off);
      await timedRun(turns, stored.journal, stored.tracer);
      await timedRun(turns, exported.journal, exported.tracer);
    }
    const offTimes: number[] = [];
    const storedTimes: number[] = [];
    const exportedTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      offTimes.push((await timedRun(turns, off)) / turns);
      storedTimes.push((await timedRun(turns, stored.journal, stored.tracer)) / turns);
      exportedTimes.push((await timedRun(turns, exported.journal, exported.tracer)) / turns);
    }
    await exporting.shutdown();
    const offUs = median(offTimes) * 1000;
    const storedUs = median(storedTimes) * 1000;
    const exportedUs = median(exportedTimes) * 1000;
    return {
      turnsPerRun: turns,
      spansPerTurn: 3,
      tracingOffMicrosecondsPerTurn: offUs,
      tracingStoredMicrosecondsPerTurn: storedUs,
      tracingStoredAndExportedMicrosecondsPerTurn: exportedUs,
      storedOverheadMicrosecondsPerTurn: storedUs - offUs,
      exportedOverheadMicrosecondsPerTurn: exportedUs - offUs,
    };
  } finally {
    for (const database of databases) database.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export function formatTracingBench(result: Record<string, number>): string[] {
  const us = (key: string): string => `${(result[key] ?? 0).toFixed(1)} µs/turn`;
  return [
    `5. Tracing per agent turn (model call + tool call = ${result.spansPerTurn} spans), ${result.turnsPerRun} turns per run, SQLite journal`,
    `   tracing off                           ${us('tracingOffMicrosecondsPerTurn')}`,
    `   spans stored (SQLite)                 ${us('tracingStoredMicrosecondsPerTurn')}  (+${us('storedOverheadMicrosecondsPerTurn')})`,
    `   stored + OTLP batch export            ${us('tracingStoredAndExportedMicrosecondsPerTurn')}  (+${us('exportedOverheadMicrosecondsPerTurn')})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runTracingBench();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${formatTracingBench(result).join('\n')}\n`);
}
