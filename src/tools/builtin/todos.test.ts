import { describe, expect, it } from 'vitest';
import { InMemoryTodoStore } from '../../adapters/memory/in-memory-todo-store.ts';
import type { ToolContext } from '../tool.ts';
import { createTodoTools, todayIn } from './todos.ts';

const context = (key?: string): ToolContext => ({
  runId: 'run_1',
  agent: 'task-tracker',
  projects: [],
  signal: new AbortController().signal,
  ...(key ? { idempotencyKey: key } : {}),
});

function setup(now = '2026-11-22T23:30:00Z', timeZone = 'Europe/Berlin') {
  let counter = 0;
  const store = new InMemoryTodoStore();
  let clockNow = Date.parse(now);
  const [create, update, list] = createTodoTools({
    store,
    ids: { next: (prefix) => `${prefix}_${++counter}` },
    clock: { now: () => (clockNow += 1_000), sleep: () => Promise.resolve() },
    timeZone,
  });
  return { store, create: create!, update: update!, list: list! };
}

describe('to-do tools', () => {
  it('add an item once per idempotency key, blocked when it names a blocker', async () => {
    const { store, create } = setup();
    const input = {
      title: 'Send Acme the mapping doc',
      project: 'acme',
      priority: 'high',
      due: '2026-11-26',
    };
    const first = await create.execute(input, context('run_1:2:abc'));
    expect(await create.execute(input, context('run_1:2:abc'))).toBe(first);
    expect(first).toMatch(
      /^Added todo_\w+ \| Send Acme the mapping doc \| acme \| high \| 2026-11-26 \| open$/,
    );
    await create.execute({ title: 'Migrate the price list', blocker: 'Anna sends the export' }, context());
    const items = await store.list();
    expect(items.map((item) => [item.status, item.priority, item.createdBy])).toEqual([
      ['open', 'high', 'task-tracker'],
      ['blocked', 'normal', 'task-tracker'],
    ]);
  });

  it('list open items in the order to work on them, with days overdue in the owner’s time zone', async () => {
    // 23:30 UTC on the 22nd is already the 23rd in Berlin.
    expect(todayIn(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-23');
    const { create, update, list } = setup();
    await create.execute({ title: 'Write the newsletter', priority: 'low' }, context());
    await create.execute({ title: 'Pay the hosting invoice', due: '2026-11-20' }, context());
    await create.execute({ title: 'Call the tax office', priority: 'urgent', due: '2026-11-30' }, context());
    await create.execute({ title: 'Review the ERP quote', blocker: 'quote not received' }, context());
    await create.execute({ title: 'Archive 2024 contracts' }, context());
    await update.execute({ id: 'todo_5', status: 'done' }, context());
    const shown = (await list.execute({}, context())).split('\n');
    expect(shown[0]).toBe('Today is 2026-11-23. id | task | project | priority | due | status | blocker');
    expect(shown.slice(1).map((line) => line.split(' | ')[1])).toEqual([
      'Pay the hosting invoice',
      'Call the tax office',
      'Write the newsletter',
      'Review the ERP quote',
    ]);
    expect(shown[1]).toContain('2026-11-20 (3 days overdue)');
    expect(await list.execute({ show: 'overdue' }, context())).toContain('Pay the hosting invoice');
    expect(await list.execute({ show: 'overdue' }, context())).not.toContain('Call the tax office');
    expect(await list.execute({ show: 'done' }, context())).toContain('Archive 2024 contracts');
    expect(await list.execute({ show: 'blocked', project: 'none' }, context())).toBe(
      'No blocked to-dos in none (today is 2026-11-23).',
    );
  });

  it('update only what is given, clear with null, and never lose an item', async () => {
    const { store, create, update } = setup();
    await create.execute({ title: 'Ship the beta', due: '2026-12-01', blocker: 'QA sign-off' }, context());
    expect(await update.execute({ id: 'todo_1', blocker: null, status: 'in-progress' }, context())).toBe(
      'Updated todo_1 | Ship the beta | - | normal | 2026-12-01 | in-progress',
    );
    await update.execute(
      { id: 'todo_1', due: null, status: 'cancelled', reason: 'client dropped it' },
      context(),
    );
    expect(await store.get('todo_1')).toMatchObject({
      title: 'Ship the beta',
      status: 'cancelled',
      reason: 'client dropped it',
    });
    expect((await store.get('todo_1'))?.due).toBeUndefined();
    await expect(update.execute({ id: 'todo_9', status: 'done' }, context())).rejects.toThrow(
      'no to-do todo_9; the to-do list (task_list, nova todo) shows the ids',
    );
    expect(() => update.inputSchema.parse({ id: 'todo_1', due: '26/11/2026' })).toThrow(
      /must be a calendar date like 2026-11-26/,
    );
  });
});
