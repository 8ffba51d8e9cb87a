import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteStoreContract } from '../../ports/note-store.contract.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteNoteStore, toFtsQuery } from './sqlite-note-store.ts';

noteStoreContract('sqlite file', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-notes-'));
  const database = openSqliteDatabase(path.join(directory, 'nova.db'));
  return {
    store: new SqliteNoteStore(database),
    cleanup: async () => {
      database.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
});

noteStoreContract('sqlite :memory:', async () => {
  const database = openSqliteDatabase(':memory:');
  return { store: new SqliteNoteStore(database), cleanup: async () => database.close() };
});

describe('toFtsQuery', () => {
  it('quotes every word so user text is never parsed as FTS5 syntax', () => {
    expect(toFtsQuery('close: "Q3" -draft')).toBe('"close"* OR "q3"* OR "draft"*');
    expect(toFtsQuery('NEAR(a b) AND NOT c*')).toBe('"near"* OR "a"* OR "b"* OR "and"* OR "not"* OR "c"*');
    expect(toFtsQuery('!!!')).toBeUndefined();
  });
});
