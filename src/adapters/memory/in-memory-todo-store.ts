import { NovaError } from '../../domain/nova-error.ts';
import {
  applyTodoChanges,
  type TodoChanges,
  type TodoFilter,
  type TodoItem,
  type TodoStore,
} from '../../ports/todo-store.ts';

export class InMemoryTodoStore implements TodoStore {
  readonly #items = new Map<string, TodoItem>();

  create(item: TodoItem): Promise<void> {
    if (this.#items.has(item.id)) return Promise.reject(new NovaError('CONFLICT', `to-do ${item.id} exists`));
    this.#items.set(item.id, item);
    return Promise.resolve();
  }

  get(id: string): Promise<TodoItem | undefined> {
    return Promise.resolve(this.#items.get(id));
  }

  update(id: string, changes: TodoChanges, at: string): Promise<TodoItem> {
    const item = this.#items.get(id);
    if (!item) return Promise.reject(new NovaError('NOT_FOUND', `no to-do ${id}`));
    const next = applyTodoChanges(item, changes, at);
    this.#items.set(id, next);
    return Promise.resolve(next);
  }

  list(filter: TodoFilter = {}): Promise<TodoItem[]> {
    return Promise.resolve(
      [...this.#items.values()]
        .filter((item) => filter.statuses === undefined || filter.statuses.includes(item.status))
        .filter((item) => filter.projectId === undefined || item.projectId === filter.projectId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
    );
  }
}
