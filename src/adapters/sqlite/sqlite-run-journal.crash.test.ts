import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleRun } from '../../ports/run-journal.contract.ts';
import { createProcessOwner, isOwnerAlive } from '../system/process-owner.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteRunJournal } from './sqlite-run-journal.ts';

function moduleUrl(file: string): string {
  return pathToFileURL(path.join(import.meta.dirname, file)).href;
}

/**
 * The child: one run, a long tool call that is started and never finishes (step 1), and a tight
 * loop appending finished steps 2, 3, … and reporting each one only after `finishStep` resolved.
 * It never stops by itself (except a safety cap); the parent kills it wherever it happens to be.
 */
const childScript = `
import { openSqliteDatabase } from ${JSON.stringify(moduleUrl('sqlite-database.ts'))};
import { SqliteRunJournal } from ${JSON.stringify(moduleUrl('sqlite-run-journal.ts'))};
import { emptyContextPack } from ${JSON.stringify(moduleUrl('../../domain/context-item.ts'))};
import { createProcessOwner } from ${JSON.stringify(moduleUrl('../system/process-owner.ts'))};

const journal = new SqliteRunJournal(openSqliteDatabase(process.argv[2]));
const startedAt = new Date().toISOString();
await journal.createRun({ id: 'run_crash', agent: 'assistant', model: 'scripted:crash', rootRunId: 'run_crash',
  status: 'running', startedAt, usage: { inputTokens: 0, outputTokens: 0 }, context: emptyContextPack,
  owner: createProcessOwner(),
  task: { id: 'task_crash', text: 'crash me', requester: { kind: 'owner' }, constraints: {}, createdAt: startedAt } });
await journal.startStep({ runId: 'run_crash', seq: 1, kind: 'tool-call', name: 'project_files_read',
  status: 'started', input: { path: 'slow.txt' }, startedAt: new Date().toISOString() });
const deadline = Date.now() + 20_000;
for (let seq = 2; Date.now() < deadline; seq++) {
  await journal.startStep({ runId: 'run_crash', seq, kind: 'model-call', name: 'scripted:crash',
    status: 'started', input: { seq, prompt: 'p'.repeat(seq % 700) }, startedAt: new Date().toISOString() });
  await journal.finishStep('run_crash', seq, { status: 'succeeded', endedAt: new Date().toISOString(),
    durationMs: 1, output: { seq, text: 'x'.repeat(seq % 3000) }, usage: { inputTokens: seq, outputTokens: 1 } });
  process.stdout.write('finished ' + seq + '\\n');
}
process.exit(3);
`;

/** Runs the child until it has reported `threshold` finished steps, then SIGKILLs it mid-stream. */
function runAndKill(
  script: string,
  databaseFile: string,
  threshold: number,
): Promise<{ lastReported: number; pid: number }> {
  return new Promise((resolve, reject) => {
    // process.execPath is the Node that runs vitest (Node 24 through npm), which strips the types.
    const child = spawn(process.execPath, ['--no-warnings', script, databaseFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastReported = 0;
    let buffered = '';
    let errors = '';
    let killScheduled = false;
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) lastReported = Number(line.replace('finished ', ''));
      if (lastReported >= threshold && !killScheduled) {
        killScheduled = true;
        // A little later, at no particular step: the child keeps writing until the signal lands.
        setTimeout(() => child.kill('SIGKILL'), 1 + Math.random() * 20);
      }
    });
    child.on('error', reject);
    // 'close' rather than 'exit': it waits until every line the child wrote has been read.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && child.pid !== undefined) resolve({ lastReported, pid: child.pid });
      else reject(new Error(`the child ended with code ${code} and signal ${signal}: ${errors}`));
    });
  });
}

describe('SqliteRunJournal after the writing process is killed', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-crash-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('keeps every finished step, shows the in-flight one as started, and marks the run interrupted', async () => {
    const script = path.join(directory, 'child.mts');
    fs.writeFileSync(script, childScript);
    const databaseFile = path.join(directory, 'nova.db');

    const { lastReported, pid } = await runAndKill(script, databaseFile, 150);

    const database = openSqliteDatabase(databaseFile);
    const journal = new SqliteRunJournal(database);
    try {
      expect(database.statement('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      const run = await journal.getRun('run_crash');
      expect(run?.status).toBe('running');
      expect(run?.owner.startsWith(`${os.hostname()}:${pid}:`)).toBe(true);

      const steps = await journal.listSteps('run_crash');
      expect(steps.map((step) => step.seq)).toEqual(steps.map((_, index) => index + 1));
      expect(steps[0]).toMatchObject({ seq: 1, status: 'started', input: { path: 'slow.txt' } });
      expect(steps[0] && 'endedAt' in steps[0]).toBe(false);
      // Everything the child was told is durable is there, intact; beyond that, at most the one
      // step the kill interrupted, and that one only as started.
      expect(steps.length).toBeGreaterThanOrEqual(lastReported);
      expect(steps.length).toBeLessThanOrEqual(lastReported + 1);
      for (const step of steps.slice(1)) {
        const isLast = step.seq === steps.length;
        if (step.seq > lastReported && isLast && step.status === 'started') {
          expect(step.input).toEqual({ seq: step.seq, prompt: 'p'.repeat(step.seq % 700) });
          continue;
        }
        expect(step).toMatchObject({
          status: 'succeeded',
          input: { seq: step.seq, prompt: 'p'.repeat(step.seq % 700) },
          output: { seq: step.seq, text: 'x'.repeat(step.seq % 3000) },
          usage: { inputTokens: step.seq, outputTokens: 1 },
        });
      }

      const survivor = sampleRun('run_survivor', { owner: createProcessOwner() });
      await journal.createRun(survivor);
      const marked = await journal.markInterrupted(isOwnerAlive, '2026-11-22T12:00:00.000Z');
      expect(marked).toEqual(['run_crash']);
      expect(await journal.getRun('run_crash')).toMatchObject({
        status: 'interrupted',
        endedAt: '2026-11-22T12:00:00.000Z',
      });
      expect((await journal.getRun('run_survivor'))?.status).toBe('running');
      expect(await journal.listSteps('run_crash')).toEqual(steps);
    } finally {
      await journal.close();
    }
  });
});
