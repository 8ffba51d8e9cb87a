import { traceStoreContract } from '../../ports/trace-store.contract.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteTraceStore } from './sqlite-trace-store.ts';

traceStoreContract('sqlite :memory:', async () => {
  const database = openSqliteDatabase(':memory:');
  return { store: new SqliteTraceStore(database), cleanup: async () => database.close() };
});
