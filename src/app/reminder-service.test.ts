import { describe, expect, it } from 'vitest';
import { InMemoryScheduleStore } from '../adapters/memory/in-memory-schedule-store.ts';
import type { InboxItem } from '../ports/schedule-store.ts';
import { ReminderService } from './reminder-service.ts';

function setup(startIso: string) {
  let now = Date.parse(startIso);
  let counter = 0;
  const notified: InboxItem[] = [];
  const service = new ReminderService({
    store: new InMemoryScheduleStore(),
    clock: { now: () => now, sleep: () => Promise.resolve() },
    ids: { next: (prefix) => `${prefix}_${++counter}` },
    timeZone: 'Europe/Berlin',
    onFired: (item) => {
      notified.push(item);
    },
  });
  return {
    service,
    notified,
    advance: (ms: number) => (now += ms),
    set: (iso: string) => (now = Date.parse(iso)),
  };
}

describe('ReminderService', () => {
  it('fires a reminder once when due, on time', async () => {
    const { service, notified, advance } = setup('2026-11-22T14:00:00Z');
    const entry = await service.add({ text: 'call the accountant', at: 'in 2 hours', createdBy: 'owner' });
    expect(entry.dueAt).toBe('2026-11-22T16:00:00.000Z');
    expect(await service.runDue()).toEqual([]);
    advance(2 * 3_600_000 + 1_000);
    const fired = await service.runDue();
    expect(fired).toMatchObject([{ text: 'call the accountant', late: false }]);
    expect(await service.runDue()).toEqual([]);
    expect(notified).toHaveLength(1);
    expect(await service.list()).toEqual([]);
  });

  it('fires a reminder missed while Nova was down once, marked late', async () => {
    const { service, set } = setup('2026-11-22T14:00:00Z');
    await service.add({ text: 'send the invoice', at: 'tomorrow 9am', createdBy: 'owner' });
    set('2026-11-24T10:00:00Z');
    expect(await service.runDue()).toMatchObject([
      { text: 'send the invoice', late: true, dueAt: '2026-11-23T08:00:00.000Z' },
    ]);
    expect(await service.runDue()).toEqual([]);
    expect(await service.inbox()).toHaveLength(1);
  });

  it('fires a recurring reminder missed several times once, then continues from the next occurrence', async () => {
    const { service, set } = setup('2026-11-22T14:00:00Z');
    const weekdays = await service.add({ text: 'standup notes', cron: '0 9 * * 1-5', createdBy: 'owner' });
    expect(weekdays.dueAt).toBe('2026-11-23T08:00:00.000Z');
    set('2026-11-26T12:00:00Z'); // Thursday: Monday to Thursday were missed
    expect(await service.runDue()).toMatchObject([{ late: true }]);
    expect(await service.runDue()).toEqual([]);
    expect((await service.list())[0]?.dueAt).toBe('2026-11-27T08:00:00.000Z');
  });

  it('refuses bad input clearly, and cancels', async () => {
    const { service } = setup('2026-11-22T14:00:00Z');
    await expect(service.add({ text: 'x', at: 'whenever', createdBy: 'owner' })).rejects.toThrow(
      /Accepted forms/,
    );
    await expect(service.add({ text: 'x', createdBy: 'owner' })).rejects.toThrow(/either a time/);
    await expect(service.add({ text: ' ', at: 'in 1 hour', createdBy: 'owner' })).rejects.toThrow(
      /say what to be reminded of/,
    );
    const entry = await service.add({ text: 'x', at: 'in 1 hour', createdBy: 'owner' });
    await service.cancel(entry.id);
    await expect(service.cancel(entry.id)).rejects.toThrow(/already cancelled/);
    await expect(service.cancel('rem_nope')).rejects.toThrow(/no reminder/);
  });
});
