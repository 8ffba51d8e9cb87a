/**
 * Durable pipeline overhead: cost per step with every step journaled (SQLite file, WAL), its
 * growth from the first 10 to the last 10 steps of a 1,000-step pipeline, and how long a resume
 * after `kill -9` takes to pick the run up again.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openSqliteDatabase, type SqliteDatabase } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteApprovalStore } from '../src/adapters/sqlite/sqlite-approval-store.ts';
import { SqliteEffectLedger } from '../src/adapters/sqlite/sqlite-effect-ledger.ts';
import { SqliteLineageStore } from '../src/adapters/sqlite/sqlite-lineage-store.ts';
import { SqlitePipelineStore } from '../src/adapters/sqlite/sqlite-pipeline-store.ts';
import { systemClock } from '../src/adapters/system/system-clock.ts';
import { TimeOrderedIdGenerator } from '../src/adapters/system/time-ordered-id-generator.ts';
import { definePipeline } from '../src/pipelines/parse-pipeline-file.ts';
import { PipelineEngine, type PipelineEvent } from '../src/pipelines/pipeline-engine.ts';
import type { PipelineDefinition } from '../src/pipelines/pipeline-definition.ts';
import { defineTool } from '../src/tools/tool.ts';

/** A side-effecting step: goes through the effect ledger like any write. */
const appendTool = defineTool({
  name: 'notes_add',
  description: 'bench: returns its input',
  inputSchema: z.object({ text: z.string() }),
  effects: ['write'],
  idempotent: true,
  execute: (input) => Promise.resolve(input.text.slice(0, 40)),
});

/** `steps` tool steps, each reading the previous one's output. */
export function chainPipeline(steps: number): PipelineDefinition {
  return definePipeline({
    name: 'chain',
    description: 'bench chain',
    steps: Array.from({ length: steps }, (_, index) => ({
      id: `s${index}`,
      kind: 'tool' as const,
      tool: 'notes_add',
      args: { text: index === 0 ? 'start' : `after {{steps.s${index - 1}.output}}` },
    })),
  });
}

export function benchEngine(
  database: SqliteDatabase,
  owner: string,
  alive: (owner: string) => boolean,
): PipelineEngine {
  return new PipelineEngine({
    store: new SqlitePipelineStore(database),
    effects: new SqliteEffectLedger(database),
    lineage: new SqliteLineageStore(database),
    approvals: new SqliteApprovalStore(database),
    runAgent: () => Promise.reject(new Error('no agents in this bench')),
    getAgentRun: () => Promise.resolve(undefined),
    listChildRuns: () => Promise.resolve([]),
    tools: { get: (name) => (name === appendTool.name ? appendTool : undefined) },
    toolContext: ({ runId, signal }) => ({ runId, agent: 'bench', projects: [], signal }),
    clock: systemClock,
    ids: new TimeOrderedIdGenerator(),
    owner,
    isOwnerAlive: alive,
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Milliseconds per step, by step index: from the previous step's end to this one's (all of the engine's work). */
async function timedRun(engine: PipelineEngine, definition: PipelineDefinition): Promise<number[]> {
  let previous = performance.now();
  const durations: number[] = [];
  const onEvent = (event: PipelineEvent): void => {
    if (event.type === 'step-end') {
      const now = performance.now();
      durations[Number(event.key.slice(1))] = now - previous;
      previous = now;
    }
  };
  const started = await engine.start(definition, {}, { onEvent });
  const run = await started.done;
  if (run.status !== 'succeeded')
    throw new Error(`bench pipeline ${run.status}: ${run.error?.message ?? ''}`);
  return durations;
}

function childScript(dir: string): string {
  const file = path.join(dir, 'child.ts');
  fs.writeFileSync(
    file,
    [
      `import { openSqliteDatabase } from ${JSON.stringify(path.resolve(import.meta.dirname, '../src/adapters/sqlite/sqlite-database.ts'))};`,
      `import { benchEngine, chainPipeline } from ${JSON.stringify(path.resolve(import.meta.dirname, 'pipeline-bench.ts'))};`,
      `const database = openSqliteDatabase(${JSON.stringify(path.join(dir, 'nova.db'))});`,
      'database.armCrashAfterWrites(Number(process.argv[2]));',
      "const engine = benchEngine(database, 'child', () => true);",
      'const started = await engine.start(chainPipeline(1000), {});',
      'await started.done;',
    ].join('\n'),
  );
  return file;
}

export async function runPipelineBench(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-pipe-bench-'));
  try {
    const database = openSqliteDatabase(path.join(dir, 'bench.db'));
    const engine = benchEngine(database, 'bench', () => true);
    // Warm up, then 10-step pipelines for the per-step cost, then one 1,000-step pipeline.
    await timedRun(engine, chainPipeline(10));
    const small: number[] = [];
    for (let round = 0; round < 20; round += 1) small.push(...(await timedRun(engine, chainPipeline(10))));
    // Three 1,000-step pipelines: a median over 30 early and 30 late steps, since ten steps of
    // ~0.1 ms each, from one run, swung the ratio between 0.6× and 1.4× on a busy machine.
    const earlySteps: number[] = [];
    const lateSteps: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const long = await timedRun(engine, chainPipeline(1000));
      earlySteps.push(...long.slice(0, 10));
      lateSteps.push(...long.slice(-10));
    }
    const early = median(earlySteps);
    const late = median(lateSteps);
    database.close();

    // Resume after kill -9: a child runs the 1,000-step pipeline and dies after ~3,000 writes (about half way).
    const script = childScript(dir);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--no-warnings', script, '3000'], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
    const crashed = openSqliteDatabase(path.join(dir, 'nova.db'));
    const resumer = benchEngine(crashed, 'resumer', (owner) => owner === 'resumer');
    const beforeResume = performance.now();
    let firstNewStep = 0;
    let reused = 0;
    const [resumed] = await resumer.recover({
      onEvent: (event) => {
        if (event.type === 'step-end' && event.reused) reused += 1;
        if (event.type === 'step-start' && firstNewStep === 0) firstNewStep = performance.now();
      },
    });
    if (!resumed) throw new Error('the killed pipeline run was not found to resume');
    const run = await resumed.done;
    const total = performance.now() - beforeResume;
    crashed.close();
    if (run.status !== 'succeeded') throw new Error(`resumed bench pipeline ${run.status}`);
    return {
      pipelineStepMedianMs: median(small),
      pipelineStepsEarlyMedianMs: early,
      pipelineStepsLateMedianMs: late,
      pipelineLateToEarlyRatio: late / early,
      resumeStepsAlreadyDone: reused,
      resumeToFirstNewStepMs: firstNewStep - beforeResume,
      resumeToCompletionMs: total,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
