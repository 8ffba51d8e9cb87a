import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli, type CliResult } from '../support/run-cli.ts';

/**
 * The fault test of the pipelines issue: the real CLI runs a pipeline whose agent and tool steps
 * write notes (a side effect that counts its executions), and kills itself (SIGKILL, no clean-up)
 * right after its k-th database write, for every other k until a run gets through. After each kill
 * `nova runs resume` continues the run; then: the run completed, no step recorded as finished
 * before the kill ran again, and every note exists exactly once.
 */

const fixture = path.join(repoRoot, 'test/fixtures/fault');
const expectedNotes = [
  'final four items, all noted',
  'gathered A',
  'gathered B',
  'item four',
  'item one',
  'item three',
  'item two',
  'recorded ["one","two","three","four"]',
  'summary note',
].sort();

interface StepRow {
  key: string;
  status: string;
  attempt: number;
  started_at: string;
  ended_at: string | null;
  output: string | null;
}

function readDb(dir: string): {
  runs: Array<{ id: string; status: string }>;
  steps: StepRow[];
  notes: string[];
} {
  const file = path.join(dir, 'data/nova.db');
  if (!fs.existsSync(file)) return { runs: [], steps: [], notes: [] };
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const hasRuns =
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'pipeline_runs'").get() !== undefined;
    if (!hasRuns) return { runs: [], steps: [], notes: [] };
    return {
      runs: db.prepare('SELECT id, status FROM pipeline_runs').all() as Array<{ id: string; status: string }>,
      steps: db
        .prepare('SELECT key, status, attempt, started_at, ended_at, output FROM pipeline_steps ORDER BY key')
        .all() as unknown as StepRow[],
      notes: (db.prepare('SELECT text FROM notes ORDER BY text').all() as Array<{ text: string }>).map(
        (row) => row.text,
      ),
    };
  } finally {
    db.close();
  }
}

const workspaces: Array<{ cleanup(): void }> = [];
afterAll(() => {
  for (const workspace of workspaces) workspace.cleanup();
});

function workspace(): string {
  const created = makeWorkspace('nova-fault-');
  workspaces.push(created);
  fs.cpSync(fixture, created.dir, { recursive: true });
  return created.dir;
}

function run(dir: string, args: string[], crashAfter?: number): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: crashAfter === undefined ? {} : { NOVA_FAULT_CRASH_AFTER_WRITES: String(crashAfter) },
  });
}

interface KillPoint {
  readonly crashAfter: number;
  readonly killed: boolean;
  readonly problems: string[];
}

/** One kill point: run with a crash after `crashAfter` writes, then resume (once more with a second crash for some). */
async function killAndResume(crashAfter: number): Promise<KillPoint> {
  const dir = workspace();
  const problems: string[] = [];
  const first = await run(dir, ['run', 'fault'], crashAfter);
  const killed = first.code === null;
  const afterKill = readDb(dir);
  const finishedBefore = afterKill.steps.filter(
    (step) => step.status === 'succeeded' || step.status === 'skipped',
  );
  const runId = afterKill.runs[0]?.id;
  if (killed) {
    let resumed: CliResult;
    if (afterKill.runs[0]?.status === 'succeeded') resumed = { code: 0, stdout: '', stderr: '' };
    else if (runId === undefined) resumed = await run(dir, ['run', 'fault']);
    else {
      // Every third kill point also crashes the resume once, after a few writes.
      resumed = await run(dir, ['runs', 'resume', runId], crashAfter % 3 === 0 ? 7 : undefined);
      if (resumed.code === null) resumed = await run(dir, ['runs', 'resume', runId]);
    }
    if (resumed.code !== 0) problems.push(`resume exited ${resumed.code}: ${resumed.stderr.slice(-400)}`);
  } else if (first.code !== 0)
    problems.push(`uninterrupted run exited ${first.code}: ${first.stderr.slice(-400)}`);
  const final = readDb(dir);
  if (final.runs.length !== 1) problems.push(`${final.runs.length} pipeline runs`);
  if (final.runs[0]?.status !== 'succeeded') problems.push(`run ended ${final.runs[0]?.status}`);
  for (const before of finishedBefore) {
    const after = final.steps.find((step) => step.key === before.key);
    if (
      !after ||
      after.started_at !== before.started_at ||
      after.attempt !== before.attempt ||
      after.output !== before.output
    ) {
      problems.push(`step ${before.key} finished before the kill but was run again`);
    }
  }
  if (JSON.stringify(final.notes) !== JSON.stringify(expectedNotes)) {
    problems.push(`notes differ: ${JSON.stringify(final.notes)}`);
  }
  return { crashAfter, killed, problems };
}

describe('pipelines survive kill -9 at any write (fault test)', () => {
  it(
    'completes every run after resume, re-runs no finished step and repeats no side effect, at 30+ kill points',
    { timeout: 600_000 },
    async () => {
      const results: KillPoint[] = [];
      // Two at a time: the machine has two cores. Stop once a run gets through without being killed.
      for (let crashAfter = 1; crashAfter < 400; crashAfter += 4) {
        const batch = await Promise.all([killAndResume(crashAfter), killAndResume(crashAfter + 2)]);
        results.push(...batch);
        if (batch.some((result) => !result.killed)) break;
      }
      const killed = results.filter((result) => result.killed);
      const failures = results.filter((result) => result.problems.length > 0);
      expect(
        failures.map((result) => `after write ${result.crashAfter}: ${result.problems.join('; ')}`),
      ).toEqual([]);
      expect(killed.length).toBeGreaterThanOrEqual(30);
    },
  );
});
