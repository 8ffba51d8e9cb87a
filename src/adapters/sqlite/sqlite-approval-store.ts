import type { ApprovalRequest, ApprovalStore } from '../../ports/approval-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface ApprovalRow {
  id: string;
  run_id: string;
  tool: string;
  input: string;
  reason: string;
  agent: string | null;
  key: string | null;
  sources: string | null;
  created_at: string;
  expires_at: string;
  decision: string | null;
}

function fromRow(row: ApprovalRow): ApprovalRequest {
  return {
    id: row.id,
    runId: row.run_id,
    tool: row.tool,
    input: JSON.parse(row.input) as unknown,
    reason: row.reason,
    ...(row.agent === null ? {} : { agent: row.agent }),
    ...(row.key === null ? {} : { key: row.key }),
    ...(row.sources === null ? {} : { sources: JSON.parse(row.sources) as string[] }),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.decision === null
      ? {}
      : { decision: JSON.parse(row.decision) as NonNullable<ApprovalRequest['decision']> }),
  };
}

/** Approvals in SQLite; a decision is written once (`WHERE decision IS NULL`). */
export class SqliteApprovalStore implements ApprovalStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async create(request: ApprovalRequest): Promise<void> {
    storageCall('saving an approval request', () =>
      this.#database
        .statement(
          'INSERT INTO approvals (id, run_id, tool, input, reason, agent, key, sources, created_at, expires_at, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          request.id,
          request.runId,
          request.tool,
          JSON.stringify(request.input ?? null),
          request.reason,
          request.agent ?? null,
          request.key ?? null,
          request.sources ? JSON.stringify(request.sources) : null,
          request.createdAt,
          request.expiresAt,
          request.decision ? JSON.stringify(request.decision) : null,
        ),
    );
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const row = storageCall('reading an approval request', () =>
      this.#database.statement('SELECT * FROM approvals WHERE id = ?').get(id),
    ) as ApprovalRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async listPending(): Promise<ApprovalRequest[]> {
    const rows = storageCall('listing approval requests', () =>
      this.#database
        .statement('SELECT * FROM approvals WHERE decision IS NULL ORDER BY created_at, id')
        .all(),
    ) as unknown as ApprovalRow[];
    return rows.map(fromRow);
  }

  async findByKey(key: string): Promise<ApprovalRequest | undefined> {
    const row = storageCall('reading an approval request', () =>
      this.#database.statement('SELECT * FROM approvals WHERE key = ?').get(key),
    ) as ApprovalRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async decide(id: string, decision: NonNullable<ApprovalRequest['decision']>): Promise<boolean> {
    const changes = storageCall(
      'recording an approval decision',
      () =>
        this.#database
          .statement('UPDATE approvals SET decision = ? WHERE id = ? AND decision IS NULL')
          .run(JSON.stringify(decision), id).changes,
    );
    return Number(changes) > 0;
  }
}
