import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { draftStoreContract } from '../../ports/draft-store.contract.ts';
import { InMemoryDraftStore } from '../memory/in-memory-draft-store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteDraftStore } from './sqlite-draft-store.ts';

draftStoreContract('in memory', () => new InMemoryDraftStore());
draftStoreContract('SQLite', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-drafts-'));
  return new SqliteDraftStore(openSqliteDatabase(path.join(directory, 'nova.db')));
});
