import type { ClarificationStore, PendingClarification } from '../../ports/clarification-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface Row {
  id: string;
  text: string;
  project_id: string | null;
  question: string;
  candidates: string;
  created_at: string;
  answered_at: string | null;
  agent: string | null;
  run_id: string | null;
}

/** Clarification questions in SQLite; an answer is written once (`WHERE answered_at IS NULL`). */
export class SqliteClarificationStore implements ClarificationStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async create(clarification: PendingClarification): Promise<void> {
    storageCall('saving a clarification', () =>
      this.#database
        .statement(
          'INSERT INTO clarifications (id, text, project_id, question, candidates, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          clarification.id,
          clarification.text,
          clarification.projectId ?? null,
          clarification.question,
          JSON.stringify(clarification.candidates),
          clarification.createdAt,
        ),
    );
  }

  async get(id: string): Promise<PendingClarification | undefined> {
    const row = storageCall('reading a clarification', () =>
      this.#database.statement('SELECT * FROM clarifications WHERE id = ?').get(id),
    ) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      text: row.text,
      ...(row.project_id === null ? {} : { projectId: row.project_id }),
      question: row.question,
      candidates: JSON.parse(row.candidates) as PendingClarification['candidates'],
      createdAt: row.created_at,
      ...(row.answered_at !== null && row.agent !== null && row.run_id !== null
        ? { answer: { agent: row.agent, runId: row.run_id, at: row.answered_at } }
        : {}),
    };
  }

  async attachRun(id: string, runId: string): Promise<void> {
    storageCall('answering a clarification', () =>
      this.#database.statement('UPDATE clarifications SET run_id = ? WHERE id = ?').run(runId, id),
    );
  }

  async answer(id: string, answer: NonNullable<PendingClarification['answer']>): Promise<boolean> {
    const changes = storageCall(
      'answering a clarification',
      () =>
        this.#database
          .statement(
            'UPDATE clarifications SET answered_at = ?, agent = ?, run_id = ? WHERE id = ? AND answered_at IS NULL',
          )
          .run(answer.at, answer.agent, answer.runId, id).changes,
    );
    return Number(changes) > 0;
  }
}
