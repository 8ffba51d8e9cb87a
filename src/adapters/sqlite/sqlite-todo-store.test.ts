import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { todoStoreContract } from '../../ports/todo-store.contract.ts';
import { InMemoryTodoStore } from '../memory/in-memory-todo-store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { SqliteTodoStore } from './sqlite-todo-store.ts';

todoStoreContract('in memory', () => new InMemoryTodoStore());
todoStoreContract('SQLite', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-todos-'));
  return new SqliteTodoStore(openSqliteDatabase(path.join(directory, 'nova.db')));
});
