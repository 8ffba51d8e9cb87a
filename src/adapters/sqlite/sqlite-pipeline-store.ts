import { NovaError } from '../../domain/nova-error.ts';
import type { PipelineDefinition, PipelineStepKind } from '../../pipelines/pipeline-definition.ts';
import type {
  PipelineRun,
  PipelineRunStatus,
  PipelineRunUpdate,
  PipelineStepRecord,
  PipelineStepStatus,
  PipelineStore,
} from '../../ports/pipeline-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface RunRow {
  id: string;
  pipeline: string;
  definition: string;
  definition_hash: string;
  input: string;
  status: string;
  owner: string;
  started_at: string;
  ended_at: string | null;
  output: string | null;
  error: string | null;
  fork_of: string | null;
}

interface StepRow {
  run_id: string;
  key: string;
  step_id: string;
  kind: string;
  status: string;
  attempt: number;
  input: string | null;
  output: string | null;
  error: string | null;
  agent_run_ids: string;
  approval_id: string | null;
  reused_from: string | null;
  started_at: string;
  ended_at: string | null;
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromRunRow(row: RunRow): PipelineRun {
  return {
    id: row.id,
    pipeline: row.pipeline,
    definition: JSON.parse(row.definition) as PipelineDefinition,
    definitionHash: row.definition_hash,
    input: JSON.parse(row.input) as unknown,
    status: row.status as PipelineRunStatus,
    owner: row.owner,
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    ...(row.output === null ? {} : { output: JSON.parse(row.output) as unknown }),
    ...(row.error === null ? {} : { error: JSON.parse(row.error) as NonNullable<PipelineRun['error']> }),
    ...(row.fork_of === null
      ? {}
      : { forkOf: JSON.parse(row.fork_of) as NonNullable<PipelineRun['forkOf']> }),
  };
}

function fromStepRow(row: StepRow): PipelineStepRecord {
  return {
    runId: row.run_id,
    key: row.key,
    stepId: row.step_id,
    kind: row.kind as PipelineStepKind,
    status: row.status as PipelineStepStatus,
    attempt: row.attempt,
    ...(row.input === null ? {} : { input: JSON.parse(row.input) as unknown }),
    ...(row.output === null ? {} : { output: JSON.parse(row.output) as unknown }),
    ...(row.error === null
      ? {}
      : { error: JSON.parse(row.error) as NonNullable<PipelineStepRecord['error']> }),
    agentRunIds: JSON.parse(row.agent_run_ids) as string[],
    ...(row.approval_id === null ? {} : { approvalId: row.approval_id }),
    ...(row.reused_from === null ? {} : { reusedFrom: row.reused_from }),
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
  };
}

/** Pipeline runs and steps in SQLite: one row per run, one row per step upserted by primary key. */
export class SqlitePipelineStore implements PipelineStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async createRun(run: PipelineRun): Promise<void> {
    storageCall('saving a pipeline run', () =>
      this.#database
        .statement(
          `INSERT INTO pipeline_runs (id, pipeline, definition, definition_hash, input, status, owner, started_at, ended_at, output, error, fork_of)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.id,
          run.pipeline,
          JSON.stringify(run.definition),
          run.definitionHash,
          JSON.stringify(run.input ?? null),
          run.status,
          run.owner,
          run.startedAt,
          run.endedAt ?? null,
          toJson(run.output),
          toJson(run.error),
          toJson(run.forkOf),
        ),
    );
  }

  async updateRun(runId: string, update: PipelineRunUpdate): Promise<void> {
    const changes = storageCall(
      'updating a pipeline run',
      () =>
        this.#database
          .statement('UPDATE pipeline_runs SET status = ?, ended_at = ?, output = ?, error = ? WHERE id = ?')
          .run(update.status, update.endedAt ?? null, toJson(update.output), toJson(update.error), runId)
          .changes,
    );
    if (Number(changes) === 0) throw new NovaError('NOT_FOUND', `no pipeline run ${runId}`);
  }

  async getRun(runId: string): Promise<PipelineRun | undefined> {
    const row = storageCall('reading a pipeline run', () =>
      this.#database.statement('SELECT * FROM pipeline_runs WHERE id = ?').get(runId),
    ) as RunRow | undefined;
    return row ? fromRunRow(row) : undefined;
  }

  async listRuns(filter: { limit?: number; status?: PipelineRunStatus } = {}): Promise<PipelineRun[]> {
    const limit = filter.limit ?? 20;
    const rows = storageCall('listing pipeline runs', () =>
      filter.status
        ? this.#database
            .statement(
              'SELECT * FROM pipeline_runs WHERE status = ? ORDER BY started_at DESC, id DESC LIMIT ?',
            )
            .all(filter.status, limit)
        : this.#database
            .statement('SELECT * FROM pipeline_runs ORDER BY started_at DESC, id DESC LIMIT ?')
            .all(limit),
    ) as unknown as RunRow[];
    return rows.map(fromRunRow);
  }

  async claim(runId: string, owner: string): Promise<boolean> {
    const changes = storageCall(
      'claiming a pipeline run',
      () =>
        this.#database
          .statement(
            "UPDATE pipeline_runs SET status = 'running', owner = ?, ended_at = NULL, error = NULL WHERE id = ? AND status IN ('interrupted', 'waiting', 'failed', 'cancelled')",
          )
          .run(owner, runId).changes,
    );
    return Number(changes) > 0;
  }

  async markInterrupted(isOwnerAlive: (owner: string) => boolean, at: string): Promise<string[]> {
    const running = storageCall('finding running pipeline runs', () =>
      this.#database
        .statement("SELECT id, owner FROM pipeline_runs WHERE status = 'running' ORDER BY started_at")
        .all(),
    ) as Array<{ id: string; owner: string }>;
    const orphaned = running.filter((run) => !isOwnerAlive(run.owner));
    if (orphaned.length === 0) return [];
    return storageCall('marking interrupted pipeline runs', () =>
      this.#database.transaction(() => {
        const update = this.#database.statement(
          "UPDATE pipeline_runs SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'",
        );
        return orphaned.filter((run) => Number(update.run(at, run.id).changes) > 0).map((run) => run.id);
      }),
    );
  }

  async putStep(step: PipelineStepRecord): Promise<void> {
    storageCall('saving a pipeline step', () =>
      this.#database
        .statement(
          `INSERT INTO pipeline_steps (run_id, key, position, step_id, kind, status, attempt, input, output, error, agent_run_ids, approval_id, reused_from, started_at, ended_at)
           VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM pipeline_steps WHERE run_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, key) DO UPDATE SET status = excluded.status, attempt = excluded.attempt, input = excluded.input,
             output = excluded.output, error = excluded.error, agent_run_ids = excluded.agent_run_ids,
             approval_id = excluded.approval_id, reused_from = excluded.reused_from, started_at = excluded.started_at, ended_at = excluded.ended_at`,
        )
        .run(
          step.runId,
          step.key,
          step.runId,
          step.stepId,
          step.kind,
          step.status,
          step.attempt,
          toJson(step.input),
          toJson(step.output),
          toJson(step.error),
          JSON.stringify(step.agentRunIds),
          step.approvalId ?? null,
          step.reusedFrom ?? null,
          step.startedAt,
          step.endedAt ?? null,
        ),
    );
  }

  async listSteps(runId: string): Promise<PipelineStepRecord[]> {
    const rows = storageCall('listing pipeline steps', () =>
      this.#database.statement('SELECT * FROM pipeline_steps WHERE run_id = ? ORDER BY position').all(runId),
    ) as unknown as StepRow[];
    return rows.map(fromStepRow);
  }
}
