import { NovaError } from '../../domain/nova-error.ts';
import type { Run, RunStatus } from '../../domain/run.ts';
import type { Step, StepKind, StepStatus } from '../../domain/step.ts';
import type { RunCompletion, RunFilter, RunJournal, StepCompletion } from '../../ports/run-journal.ts';
import { constraintViolation, storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface RunRow {
  id: string;
  agent: string;
  model: string;
  parent_run_id: string | null;
  root_run_id: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  owner: string;
  task: string;
  context: string;
  usage: string;
  outcome: string | null;
  error: string | null;
  fingerprint: string | null;
  reused_from: string | null;
}

interface StepRow {
  run_id: string;
  seq: number;
  kind: string;
  name: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  usage: string | null;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  taint: string | null;
}

/** JSON text for a value that may be absent; `undefined` is stored as SQL NULL. */
function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromRunRow(row: RunRow): Run {
  return {
    id: row.id,
    task: JSON.parse(row.task) as Run['task'],
    agent: row.agent,
    model: row.model,
    ...(row.parent_run_id === null ? {} : { parentRunId: row.parent_run_id }),
    rootRunId: row.root_run_id,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    ...(row.outcome === null ? {} : { outcome: JSON.parse(row.outcome) as NonNullable<Run['outcome']> }),
    ...(row.error === null ? {} : { error: JSON.parse(row.error) as NonNullable<Run['error']> }),
    usage: JSON.parse(row.usage) as Run['usage'],
    context: JSON.parse(row.context) as Run['context'],
    owner: row.owner,
    ...(row.fingerprint === null ? {} : { fingerprint: row.fingerprint }),
    ...(row.reused_from === null ? {} : { reusedFromRunId: row.reused_from }),
  };
}

function fromStepRow(row: StepRow): Step {
  return {
    runId: row.run_id,
    seq: row.seq,
    kind: row.kind as StepKind,
    name: row.name,
    status: row.status as StepStatus,
    input: JSON.parse(row.input) as unknown,
    ...(row.output === null ? {} : { output: JSON.parse(row.output) as unknown }),
    ...(row.error === null ? {} : { error: JSON.parse(row.error) as NonNullable<Step['error']> }),
    ...(row.usage === null ? {} : { usage: JSON.parse(row.usage) as NonNullable<Step['usage']> }),
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
    ...(row.taint === null ? {} : { taint: JSON.parse(row.taint) as string[] }),
  };
}

/**
 * The run journal on SQLite. A step is one INSERT when it starts and one UPDATE of that row by
 * primary key when it ends; the run row is written at creation and at completion only, so the
 * cost of a step does not depend on how many came before it.
 */
export class SqliteRunJournal implements RunJournal {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async createRun(run: Run): Promise<void> {
    storageCall('recording a run', () => {
      try {
        this.#database
          .statement(
            `INSERT INTO runs (id, agent, model, parent_run_id, root_run_id, status, started_at, ended_at, owner, task, context, usage, outcome, error, fingerprint, reused_from)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            run.id,
            run.agent,
            run.model,
            run.parentRunId ?? null,
            run.rootRunId,
            run.status,
            run.startedAt,
            run.endedAt ?? null,
            run.owner,
            JSON.stringify(run.task),
            JSON.stringify(run.context),
            JSON.stringify(run.usage),
            toJson(run.outcome),
            toJson(run.error),
            run.fingerprint ?? null,
            run.reusedFromRunId ?? null,
          );
      } catch (error) {
        if (constraintViolation(error) === 'unique') {
          throw new NovaError('CONFLICT', `run ${run.id} already exists; a run id can be recorded once`, {
            details: { runId: run.id },
          });
        }
        throw error;
      }
    });
  }

  async completeRun(runId: string, completion: RunCompletion): Promise<void> {
    const changes = storageCall('completing a run', () =>
      this.#database
        .statement('UPDATE runs SET status = ?, ended_at = ?, usage = ?, outcome = ?, error = ? WHERE id = ?')
        .run(
          completion.status,
          completion.endedAt,
          JSON.stringify(completion.usage),
          toJson(completion.outcome),
          toJson(completion.error),
          runId,
        ),
    ).changes;
    if (Number(changes) === 0) {
      throw new NovaError('NOT_FOUND', `cannot complete run ${runId}: there is no such run`, {
        details: { runId },
      });
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const row = storageCall('reading a run', () =>
      this.#database.statement('SELECT * FROM runs WHERE id = ?').get(runId),
    ) as RunRow | undefined;
    return row ? fromRunRow(row) : undefined;
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const conditions: string[] = [];
    const values: string[] = [];
    if (filter.status !== undefined) {
      conditions.push('status = ?');
      values.push(filter.status);
    }
    if (filter.agent !== undefined) {
      conditions.push('agent = ?');
      values.push(filter.agent);
    }
    if (filter.parentRunId !== undefined) {
      conditions.push('parent_run_id = ?');
      values.push(filter.parentRunId);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ?`;
    const rows = storageCall('listing runs', () =>
      this.#database.statement(sql).all(...values, filter.limit ?? 50),
    ) as unknown as RunRow[];
    return rows.map(fromRunRow);
  }

  async startStep(step: Step): Promise<void> {
    storageCall('recording a step', () => {
      try {
        this.#database
          .statement(
            `INSERT INTO steps (run_id, seq, kind, name, status, input, output, error, usage, started_at, ended_at, duration_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            step.runId,
            step.seq,
            step.kind,
            step.name,
            step.status,
            JSON.stringify(step.input ?? null),
            toJson(step.output),
            toJson(step.error),
            toJson(step.usage),
            step.startedAt,
            step.endedAt ?? null,
            step.durationMs ?? null,
          );
      } catch (error) {
        const violation = constraintViolation(error);
        if (violation === 'unique') {
          throw new NovaError(
            'CONFLICT',
            `run ${step.runId} already has step ${step.seq}; use the next free seq`,
            {
              details: { runId: step.runId, seq: step.seq },
            },
          );
        }
        if (violation === 'foreign-key') {
          throw new NovaError('NOT_FOUND', `cannot start step ${step.seq}: there is no run ${step.runId}`, {
            details: { runId: step.runId, seq: step.seq },
          });
        }
        throw error;
      }
    });
  }

  async finishStep(runId: string, seq: number, completion: StepCompletion): Promise<void> {
    const changes = storageCall('completing a step', () =>
      this.#database
        .statement(
          'UPDATE steps SET status = ?, ended_at = ?, duration_ms = ?, output = ?, error = ?, usage = ?, taint = ? WHERE run_id = ? AND seq = ?',
        )
        .run(
          completion.status,
          completion.endedAt,
          completion.durationMs,
          toJson(completion.output),
          toJson(completion.error),
          toJson(completion.usage),
          completion.taint && completion.taint.length > 0 ? JSON.stringify(completion.taint) : null,
          runId,
          seq,
        ),
    ).changes;
    if (Number(changes) === 0) {
      throw new NovaError(
        'NOT_FOUND',
        `run ${runId} has no step ${seq} to finish; a step must be started first`,
        {
          details: { runId, seq },
        },
      );
    }
  }

  async listSteps(runId: string): Promise<Step[]> {
    const rows = storageCall('listing steps', () =>
      this.#database.statement('SELECT * FROM steps WHERE run_id = ? ORDER BY seq').all(runId),
    ) as unknown as StepRow[];
    return rows.map(fromStepRow);
  }

  async markInterrupted(isOwnerAlive: (owner: string) => boolean, at: string): Promise<string[]> {
    const running = storageCall('finding running runs', () =>
      this.#database
        .statement("SELECT id, owner FROM runs WHERE status = 'running' ORDER BY started_at, id")
        .all(),
    ) as Array<{ id: string; owner: string }>;
    // Asked once per owner, outside any transaction: a liveness check may be slow and must not hold the write lock.
    const liveness = new Map<string, boolean>();
    const orphaned = running.filter((run) => {
      let alive = liveness.get(run.owner);
      if (alive === undefined) {
        alive = isOwnerAlive(run.owner);
        liveness.set(run.owner, alive);
      }
      return !alive;
    });
    if (orphaned.length === 0) return [];
    return storageCall('marking interrupted runs', () =>
      this.#database.transaction(() => {
        const update = this.#database.statement(
          "UPDATE runs SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'",
        );
        // Another process may have marked or completed a run since the SELECT; report only what changed here.
        return orphaned.filter((run) => Number(update.run(at, run.id).changes) > 0).map((run) => run.id);
      }),
    );
  }

  /** Closes the underlying database, which other SQLite adapters may share; closing twice is harmless. */
  async findReusable(fingerprint: string, notBefore: string): Promise<Run | undefined> {
    const row = storageCall('looking for a reusable run', () =>
      this.#database
        .statement(
          `SELECT * FROM runs WHERE fingerprint = ? AND status = 'succeeded' AND reused_from IS NULL AND started_at >= ?
           ORDER BY started_at DESC LIMIT 1`,
        )
        .get(fingerprint, notBefore),
    ) as RunRow | undefined;
    return row ? fromRunRow(row) : undefined;
  }

  async close(): Promise<void> {
    this.#database.close();
  }
}
