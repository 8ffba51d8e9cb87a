import { describe, expect, it } from 'vitest';
import { noteStoreContract } from '../../ports/note-store.contract.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteNoteStore, toFtsQuery } from './sqlite-note-store.ts';

noteStoreContract('sqlite', async () => {
  const database = openSqliteDatabase(':memory:');
  return { store: new SqliteNoteStore(database), cleanup: async () => database.close() };
});

describe('toFtsQuery', () => {
  it('quotes every word so user text is never parsed as FTS5 syntax', () => {
    expect(toFtsQuery('close: "Q3" -draft')).toBe('"close"* OR "q3"* OR "draft"*');
    expect(toFtsQuery('!!!')).toBeUndefined();
  });
});
