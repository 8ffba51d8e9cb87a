import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxItem, ScheduleEntry, ScheduleStore } from './schedule-store.ts';

export interface ScheduleStoreFixture {
  readonly store: ScheduleStore;
  /** A second handle on the same data (another process), when the adapter has one. */
  readonly other?: ScheduleStore;
  cleanup(): Promise<void>;
}

const entry = (id: string, dueAt: string, extra: Partial<ScheduleEntry> = {}): ScheduleEntry => ({
  id,
  text: `remember ${id}`,
  dueAt,
  timeZone: 'UTC',
  createdAt: '2026-11-22T00:00:00.000Z',
  createdBy: 'owner',
  ...extra,
});

const item = (id: string, of: ScheduleEntry, firedAt: string, late = false): InboxItem => ({
  id,
  scheduleId: of.id,
  text: of.text,
  dueAt: of.dueAt,
  firedAt,
  late,
});

/** What reminders rely on: due lists, fire-once claims, cancel, the inbox. */
export function scheduleStoreContract(name: string, create: () => Promise<ScheduleStoreFixture>): void {
  describe(`ScheduleStore contract: ${name}`, () => {
    let fixture: ScheduleStoreFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(() => fixture.cleanup());

    it('lists pending entries soonest first and finds what is due', async () => {
      const { store } = fixture;
      await store.add(entry('b', '2026-11-23T09:00:00.000Z'));
      await store.add(entry('a', '2026-11-22T09:00:00.000Z'));
      expect((await store.list()).map((found) => found.id)).toEqual(['a', 'b']);
      expect((await store.listDue('2026-11-22T12:00:00.000Z')).map((found) => found.id)).toEqual(['a']);
      expect(await store.nextDueAt()).toBe('2026-11-22T09:00:00.000Z');
    });

    it('fires a one-shot entry once: a second claim of the same occurrence gets nothing', async () => {
      const { store } = fixture;
      const due = entry('a', '2026-11-22T09:00:00.000Z');
      await store.add(due);
      const firstClaimer = store;
      const secondClaimer = fixture.other ?? store;
      const [first, second] = await Promise.all([
        firstClaimer.fire(due, item('i1', due, '2026-11-22T09:00:01.000Z'), undefined),
        secondClaimer.fire(due, item('i2', due, '2026-11-22T09:00:01.000Z'), undefined),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect(await store.listDue('2026-11-23T00:00:00.000Z')).toEqual([]);
      expect((await store.listInbox()).map((found) => found.scheduleId)).toEqual(['a']);
    });

    it('moves a recurring entry to its next time when it fires', async () => {
      const { store } = fixture;
      const weekly = entry('w', '2026-11-16T09:00:00.000Z', { cron: '0 9 * * 1' });
      await store.add(weekly);
      const fired = await store.fire(
        weekly,
        item('i1', weekly, '2026-11-22T12:00:00.000Z', true),
        '2026-11-23T09:00:00.000Z',
      );
      expect(fired).toMatchObject({ late: true, dueAt: '2026-11-16T09:00:00.000Z' });
      expect((await store.get('w'))?.dueAt).toBe('2026-11-23T09:00:00.000Z');
      expect(
        await store.fire(weekly, item('i2', weekly, '2026-11-22T12:00:01.000Z'), '2026-11-23T09:00:00.000Z'),
      ).toBeUndefined();
    });

    it('cancels once, and a cancelled entry never fires', async () => {
      const { store } = fixture;
      const due = entry('a', '2026-11-22T09:00:00.000Z');
      await store.add(due);
      expect(await store.cancel('a', '2026-11-22T08:00:00.000Z')).toBe(true);
      expect(await store.cancel('a', '2026-11-22T08:00:00.000Z')).toBe(false);
      expect(await store.fire(due, item('i1', due, '2026-11-22T09:00:00.000Z'))).toBeUndefined();
      expect((await store.list({ all: true }))[0]?.cancelledAt).toBe('2026-11-22T08:00:00.000Z');
    });

    it('keeps fired items in the inbox until acknowledged', async () => {
      const { store } = fixture;
      const due = entry('a', '2026-11-22T09:00:00.000Z');
      await store.add(due);
      await store.fire(due, item('i1', due, '2026-11-22T09:00:00.000Z'));
      expect(await store.acknowledge('i1', '2026-11-22T10:00:00.000Z')).toBe(true);
      expect(await store.acknowledge('i1', '2026-11-22T10:00:00.000Z')).toBe(false);
      expect(await store.listInbox()).toEqual([]);
      expect((await store.listInbox({ all: true }))[0]?.acknowledgedAt).toBe('2026-11-22T10:00:00.000Z');
    });
  });
}
