import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJournalContract } from '../../ports/run-journal.contract.ts';
import { InMemoryRunJournal } from '../memory/in-memory-run-journal.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteRunJournal } from './sqlite-run-journal.ts';

runJournalContract('sqlite file', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-journal-'));
  const journal = new SqliteRunJournal(openSqliteDatabase(path.join(directory, 'nova.db')));
  return {
    journal,
    cleanup: async () => (await journal.close(), fs.rmSync(directory, { recursive: true, force: true })),
  };
});

runJournalContract('sqlite :memory:', async () => {
  const journal = new SqliteRunJournal(openSqliteDatabase(':memory:'));
  return { journal, cleanup: () => journal.close() };
});

runJournalContract('in-memory', async () => {
  const journal = new InMemoryRunJournal();
  return { journal, cleanup: () => journal.close() };
});

describe('SQLite database', () => {
  it('applies migrations once, and refuses a database from a newer Nova', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-migrate-'));
    const file = path.join(directory, 'nova.db');
    try {
      openSqliteDatabase(file).close();
      const reopened = openSqliteDatabase(file);
      const applied = reopened.statement('SELECT id FROM schema_migrations ORDER BY id').all();
      expect(applied.length).toBeGreaterThanOrEqual(2);
      expect(reopened.statement('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      reopened
        .statement("INSERT INTO schema_migrations (id, name, applied_at) VALUES (999, 'future', 'x')")
        .run();
      reopened.close();
      expect(() => openSqliteDatabase(file)).toThrow(/migration\(s\) 999 .* newer Nova/);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
