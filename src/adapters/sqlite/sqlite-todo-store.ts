import { NovaError } from '../../domain/nova-error.ts';
import {
  applyTodoChanges,
  type TodoChanges,
  type TodoFilter,
  type TodoItem,
  type TodoStore,
} from '../../ports/todo-store.ts';
import { constraintViolation, storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface TodoRow {
  id: string;
  title: string;
  project_id: string | null;
  priority: TodoItem['priority'];
  due: string | null;
  status: TodoItem['status'];
  blocker: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  created_by: string;
}

function itemFrom(row: TodoRow): TodoItem {
  return {
    id: row.id,
    title: row.title,
    ...(row.project_id === null ? {} : { projectId: row.project_id }),
    priority: row.priority,
    ...(row.due === null ? {} : { due: row.due }),
    status: row.status,
    ...(row.blocker === null ? {} : { blocker: row.blocker }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

export class SqliteTodoStore implements TodoStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  create(item: TodoItem): Promise<void> {
    try {
      storageCall('saving a to-do', () =>
        this.#database
          .statement(
            `INSERT INTO todos (id, title, project_id, priority, due, status, blocker, reason, created_at, updated_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            item.id,
            item.title,
            item.projectId ?? null,
            item.priority,
            item.due ?? null,
            item.status,
            item.blocker ?? null,
            item.reason ?? null,
            item.createdAt,
            item.updatedAt,
            item.createdBy,
          ),
      );
    } catch (error) {
      if (constraintViolation((error as { cause?: unknown }).cause) === 'unique')
        return Promise.reject(new NovaError('CONFLICT', `to-do ${item.id} exists`));
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve();
  }

  get(id: string): Promise<TodoItem | undefined> {
    const row = storageCall('reading a to-do', () =>
      this.#database.statement('SELECT * FROM todos WHERE id = ?').get(id),
    ) as TodoRow | undefined;
    return Promise.resolve(row ? itemFrom(row) : undefined);
  }

  async update(id: string, changes: TodoChanges, at: string): Promise<TodoItem> {
    const item = await this.get(id);
    if (!item) throw new NovaError('NOT_FOUND', `no to-do ${id}`);
    const next = applyTodoChanges(item, changes, at);
    storageCall('updating a to-do', () =>
      this.#database
        .statement(
          `UPDATE todos SET title = ?, project_id = ?, priority = ?, due = ?, status = ?, blocker = ?, reason = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(
          next.title,
          next.projectId ?? null,
          next.priority,
          next.due ?? null,
          next.status,
          next.blocker ?? null,
          next.reason ?? null,
          next.updatedAt,
          id,
        ),
    );
    return next;
  }

  list(filter: TodoFilter = {}): Promise<TodoItem[]> {
    if (filter.statuses !== undefined && filter.statuses.length === 0) return Promise.resolve([]);
    const conditions: string[] = [];
    const parameters: string[] = [];
    if (filter.statuses !== undefined) {
      conditions.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      parameters.push(...filter.statuses);
    }
    if (filter.projectId !== undefined) {
      conditions.push('project_id = ?');
      parameters.push(filter.projectId);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = storageCall('listing to-dos', () =>
      this.#database.statement(`SELECT * FROM todos ${where} ORDER BY created_at, id`).all(...parameters),
    ) as unknown as TodoRow[];
    return Promise.resolve(rows.map(itemFrom));
  }
}
