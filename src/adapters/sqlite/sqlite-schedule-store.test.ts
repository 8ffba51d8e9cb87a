import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scheduleStoreContract } from '../../ports/schedule-store.contract.ts';
import { InMemoryScheduleStore } from '../memory/in-memory-schedule-store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteScheduleStore } from './sqlite-schedule-store.ts';

scheduleStoreContract('sqlite file, two connections', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-schedules-'));
  const first = openSqliteDatabase(path.join(directory, 'nova.db'));
  const second = openSqliteDatabase(path.join(directory, 'nova.db'));
  return {
    store: new SqliteScheduleStore(first),
    other: new SqliteScheduleStore(second),
    cleanup: async () => {
      first.close();
      second.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
});

scheduleStoreContract('in memory', () =>
  Promise.resolve({ store: new InMemoryScheduleStore(), cleanup: () => Promise.resolve() }),
);
