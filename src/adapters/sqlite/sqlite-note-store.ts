import type { Note, NoteStore } from '../../ports/note-store.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { constraintViolation, storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface NoteRow {
  id: string;
  text: string;
  tags: string;
  project_id: string | null;
  author: string;
  run_id: string | null;
  created_at: string;
  idempotency_key: string | null;
  untrusted_sources: string | null;
}

function fromRow(row: NoteRow): Note {
  return {
    id: row.id,
    text: row.text,
    tags: JSON.parse(row.tags) as string[],
    ...(row.project_id === null ? {} : { projectId: row.project_id }),
    author: row.author,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    createdAt: row.created_at,
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
    ...(row.untrusted_sources === null
      ? {}
      : { untrustedSources: JSON.parse(row.untrusted_sources) as string[] }),
  };
}

/**
 * Turns free text into a safe FTS5 query: each word becomes a quoted prefix term, OR-ed, so
 * quotes, `-`, `*` or `:` in the input are matched as text instead of being parsed as syntax.
 */
export function toFtsQuery(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return [...new Set(words)].map((word) => `"${word}"*`).join(' OR ');
}

export class SqliteNoteStore implements NoteStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async add(note: Note): Promise<Note> {
    return storageCall('saving a note', () => {
      try {
        const inserted = this.#database
          .statement(
            'INSERT INTO notes (id, text, tags, project_id, author, run_id, created_at, idempotency_key, untrusted_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING',
          )
          .run(
            note.id,
            note.text,
            JSON.stringify(note.tags),
            note.projectId ?? null,
            note.author,
            note.runId ?? null,
            note.createdAt,
            note.idempotencyKey ?? null,
            note.untrustedSources && note.untrustedSources.length > 0
              ? JSON.stringify(note.untrustedSources)
              : null,
          ).changes;
        if (Number(inserted) > 0 || note.idempotencyKey === undefined) return note;
        const existing = this.#database
          .statement('SELECT * FROM notes WHERE idempotency_key = ?')
          .get(note.idempotencyKey) as NoteRow | undefined;
        return existing ? fromRow(existing) : note;
      } catch (error) {
        if (constraintViolation(error) === 'unique') {
          throw new NovaError('CONFLICT', `note ${note.id} already exists; a note id can be saved once`, {
            details: { noteId: note.id },
          });
        }
        throw error;
      }
    });
  }

  async search(
    query: string,
    options: { readonly limit: number; readonly projectId?: string },
  ): Promise<Note[]> {
    const match = toFtsQuery(query);
    if (!match) return [];
    const projectFilter = options.projectId === undefined ? '' : 'AND notes.project_id = ?';
    const sql = `SELECT notes.* FROM notes_fts JOIN notes ON notes.rowid = notes_fts.rowid
                 WHERE notes_fts MATCH ? ${projectFilter} ORDER BY bm25(notes_fts), notes.created_at DESC LIMIT ?`;
    const values =
      options.projectId === undefined ? [match, options.limit] : [match, options.projectId, options.limit];
    const rows = storageCall('searching notes', () =>
      this.#database.statement(sql).all(...values),
    ) as unknown as NoteRow[];
    return rows.map(fromRow);
  }

  async list(options: { readonly limit: number; readonly projectId?: string }): Promise<Note[]> {
    const sql =
      options.projectId === undefined
        ? 'SELECT * FROM notes ORDER BY created_at DESC, rowid DESC LIMIT ?'
        : 'SELECT * FROM notes WHERE project_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?';
    const values = options.projectId === undefined ? [options.limit] : [options.projectId, options.limit];
    const rows = storageCall('listing notes', () =>
      this.#database.statement(sql).all(...values),
    ) as unknown as NoteRow[];
    return rows.map(fromRow);
  }
}
