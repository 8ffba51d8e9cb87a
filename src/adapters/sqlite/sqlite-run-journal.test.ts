import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
