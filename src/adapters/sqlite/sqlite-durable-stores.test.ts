import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { durableStoresContract } from '../../ports/pipeline-store.contract.ts';
import { SqliteApprovalStore } from './sqlite-approval-store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteEffectLedger } from './sqlite-effect-ledger.ts';
import { SqlitePipelineStore } from './sqlite-pipeline-store.ts';

durableStoresContract('sqlite file', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-durable-'));
  const database = openSqliteDatabase(path.join(directory, 'nova.db'));
  return {
    pipelines: new SqlitePipelineStore(database),
    effects: new SqliteEffectLedger(database),
    approvals: new SqliteApprovalStore(database),
    cleanup: async () => {
      database.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
});
