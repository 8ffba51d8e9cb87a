import { describe, expect, it } from 'vitest';
import { InMemoryScheduleStore } from '../../adapters/memory/in-memory-schedule-store.ts';
import { ReminderService } from '../../app/reminder-service.ts';
import type { ToolContext } from '../tool.ts';
import { createReminderTools } from './reminders.ts';

const context = (key?: string): ToolContext => ({
  runId: 'run_1',
  agent: 'reminders',
  projects: [],
  signal: new AbortController().signal,
  ...(key ? { idempotencyKey: key } : {}),
});

describe('reminder tools', () => {
  const setup = () => {
    let counter = 0;
    const service = new ReminderService({
      store: new InMemoryScheduleStore(),
      clock: { now: () => Date.parse('2026-11-22T14:00:00Z'), sleep: () => Promise.resolve() },
      ids: { next: (prefix) => `${prefix}_${++counter}` },
      timeZone: 'UTC',
    });
    const [create, list, cancel] = createReminderTools(service);
    return { service, create: create!, list: list!, cancel: cancel! };
  };

  it('creates a reminder once per idempotency key, lists and cancels it', async () => {
    const { service, create, list, cancel } = setup();
    const input = { text: 'renew the domain', when: 'tomorrow 9am' };
    const first = await create.execute(input, context('run_1:3:abc'));
    const again = await create.execute(input, context('run_1:3:abc'));
    expect(first).toBe(again);
    expect(first).toMatch(/Reminder set\. rem_\w+: "renew the domain" at 2026-11-23 09:00 \(UTC\)/);
    expect(await service.list()).toHaveLength(1);
    expect(await list.execute({}, context())).toContain('renew the domain');
    const id = (await service.list())[0]!.id;
    expect(await cancel.execute({ id }, context())).toBe(`Cancelled reminder ${id}.`);
    expect(await list.execute({}, context())).toBe('No pending reminders.');
  });

  it('passes on a time it cannot read as an error naming the accepted forms', async () => {
    const { create } = setup();
    await expect(create.execute({ text: 'x', when: 'someday' }, context())).rejects.toThrow(/Accepted forms/);
  });
});
