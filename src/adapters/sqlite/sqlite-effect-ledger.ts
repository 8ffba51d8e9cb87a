import type { EffectLedger, EffectRecord } from '../../ports/effect-ledger.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface EffectRow {
  key: string;
  run_id: string;
  tool: string;
  input: string;
  status: string;
  output: string | null;
  started_at: string;
  ended_at: string | null;
}

function fromRow(row: EffectRow): EffectRecord {
  return {
    key: row.key,
    runId: row.run_id,
    tool: row.tool,
    input: JSON.parse(row.input) as unknown,
    status: row.status as EffectRecord['status'],
    ...(row.output === null ? {} : { output: row.output }),
    startedAt: row.started_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
  };
}

/** Side effects by idempotency key: `INSERT … ON CONFLICT DO NOTHING` makes `begin` atomic across processes. */
export class SqliteEffectLedger implements EffectLedger {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async begin(
    record: Omit<EffectRecord, 'status' | 'output' | 'endedAt'>,
  ): Promise<EffectRecord | undefined> {
    return storageCall('recording a side effect', () => {
      const inserted = this.#database
        .statement(
          "INSERT INTO effects (key, run_id, tool, input, status, started_at) VALUES (?, ?, ?, ?, 'started', ?) ON CONFLICT (key) DO NOTHING",
        )
        .run(
          record.key,
          record.runId,
          record.tool,
          JSON.stringify(record.input ?? null),
          record.startedAt,
        ).changes;
      if (Number(inserted) > 0) return undefined;
      const row = this.#database.statement('SELECT * FROM effects WHERE key = ?').get(record.key) as
        EffectRow | undefined;
      return row ? fromRow(row) : undefined;
    });
  }

  async finish(
    key: string,
    completion: { status: 'succeeded' | 'failed'; output: string; endedAt: string },
  ): Promise<void> {
    storageCall('recording a side effect', () =>
      this.#database
        .statement('UPDATE effects SET status = ?, output = ?, ended_at = ? WHERE key = ?')
        .run(completion.status, completion.output, completion.endedAt, key),
    );
  }

  async get(key: string): Promise<EffectRecord | undefined> {
    const row = storageCall('reading a side effect', () =>
      this.#database.statement('SELECT * FROM effects WHERE key = ?').get(key),
    ) as EffectRow | undefined;
    return row ? fromRow(row) : undefined;
  }
}
