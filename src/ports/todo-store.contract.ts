import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import type { TodoItem, TodoStore } from './todo-store.ts';

function item(id: string, overrides: Partial<TodoItem> = {}): TodoItem {
  return {
    id,
    title: `Do ${id}`,
    priority: 'normal',
    status: 'open',
    createdAt: `2026-11-2${id.length % 10}T09:00:00.000Z`,
    updatedAt: '2026-11-22T09:00:00.000Z',
    createdBy: 'owner',
    ...overrides,
  };
}

/** The behaviour every TodoStore adapter must have. */
export function todoStoreContract(name: string, create: () => TodoStore | Promise<TodoStore>) {
  describe(`TodoStore contract: ${name}`, () => {
    it('keeps every field of an item, and refuses a second item with the same id', async () => {
      const store = await create();
      const full = item('todo_1', {
        projectId: 'acme',
        priority: 'high',
        due: '2026-11-26',
        status: 'blocked',
        blocker: 'waiting on Anna for the mapping doc',
        reason: 'client has not sent it',
      });
      await store.create(full);
      expect(await store.get('todo_1')).toEqual(full);
      expect(await store.get('todo_none')).toBeUndefined();
      await expect(store.create(item('todo_1'))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'CONFLICT'),
      );
    });

    it('changes only the given fields, clears due and blocker with null, and names an unknown id', async () => {
      const store = await create();
      await store.create(item('todo_1', { due: '2026-11-26', blocker: 'Anna' }));
      const updated = await store.update(
        'todo_1',
        { status: 'in-progress', blocker: null, due: null, reason: 'Anna answered' },
        '2026-11-23T10:00:00.000Z',
      );
      expect(updated).toEqual({
        ...item('todo_1'),
        status: 'in-progress',
        reason: 'Anna answered',
        updatedAt: '2026-11-23T10:00:00.000Z',
      });
      expect(await store.get('todo_1')).toEqual(updated);
      await expect(store.update('todo_x', { status: 'done' }, '2026-11-23T10:00:00.000Z')).rejects.toSatisfy(
        (error) => NovaError.is(error, 'NOT_FOUND') && String(error).includes('todo_x'),
      );
    });

    it('lists oldest first, by status and project', async () => {
      const store = await create();
      await store.create(item('todo_1', { createdAt: '2026-11-20T09:00:00.000Z', projectId: 'acme' }));
      await store.create(item('todo_2', { createdAt: '2026-11-21T09:00:00.000Z', status: 'done' }));
      await store.create(
        item('todo_3', { createdAt: '2026-11-19T09:00:00.000Z', projectId: 'acme', status: 'blocked' }),
      );
      expect((await store.list()).map((entry) => entry.id)).toEqual(['todo_3', 'todo_1', 'todo_2']);
      expect((await store.list({ statuses: ['open', 'blocked'] })).map((entry) => entry.id)).toEqual([
        'todo_3',
        'todo_1',
      ]);
      expect((await store.list({ projectId: 'acme', statuses: ['open'] })).map((entry) => entry.id)).toEqual([
        'todo_1',
      ]);
      expect(await store.list({ statuses: [] })).toEqual([]);
    });
  });
}
