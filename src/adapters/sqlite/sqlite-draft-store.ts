import { NovaError } from '../../domain/nova-error.ts';
import type { DraftStore, EmailDraft } from '../../ports/draft-store.ts';
import { constraintViolation, storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface DraftRow {
  id: string;
  recipients: string;
  cc: string;
  subject: string;
  body: string;
  project_id: string | null;
  created_at: string;
  created_by: string;
  run_id: string | null;
  untrusted_sources: string | null;
}

function draftFrom(row: DraftRow): EmailDraft {
  return {
    id: row.id,
    to: JSON.parse(row.recipients) as string[],
    cc: JSON.parse(row.cc) as string[],
    subject: row.subject,
    body: row.body,
    ...(row.project_id === null ? {} : { projectId: row.project_id }),
    createdAt: row.created_at,
    createdBy: row.created_by,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.untrusted_sources === null
      ? {}
      : { untrustedSources: JSON.parse(row.untrusted_sources) as string[] }),
  };
}

export class SqliteDraftStore implements DraftStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  create(draft: EmailDraft): Promise<void> {
    try {
      storageCall('saving an e-mail draft', () =>
        this.#database
          .statement(
            `INSERT INTO email_drafts (id, recipients, cc, subject, body, project_id, created_at, created_by, run_id, untrusted_sources)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            draft.id,
            JSON.stringify(draft.to),
            JSON.stringify(draft.cc),
            draft.subject,
            draft.body,
            draft.projectId ?? null,
            draft.createdAt,
            draft.createdBy,
            draft.runId ?? null,
            draft.untrustedSources ? JSON.stringify(draft.untrustedSources) : null,
          ),
      );
    } catch (error) {
      if (constraintViolation((error as { cause?: unknown }).cause) === 'unique')
        return Promise.reject(new NovaError('CONFLICT', `draft ${draft.id} exists`));
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve();
  }

  get(id: string): Promise<EmailDraft | undefined> {
    const row = storageCall('reading an e-mail draft', () =>
      this.#database.statement('SELECT * FROM email_drafts WHERE id = ?').get(id),
    ) as DraftRow | undefined;
    return Promise.resolve(row ? draftFrom(row) : undefined);
  }

  list(limit = 50): Promise<EmailDraft[]> {
    const rows = storageCall('listing e-mail drafts', () =>
      this.#database
        .statement('SELECT * FROM email_drafts ORDER BY created_at DESC, id DESC LIMIT ?')
        .all(limit),
    ) as unknown as DraftRow[];
    return Promise.resolve(rows.map(draftFrom));
  }
}
