import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ScheduleEntry } from '../../ports/schedule-store.ts';
import { formatLocal } from '../../reminders/parse-when.ts';
import { defineTool, type Tool } from '../tool.ts';

/** What the reminder tools need (the app's ReminderService). */
export interface ReminderAccess {
  add(request: {
    text: string;
    at?: string;
    cron?: string;
    createdBy: string;
    id?: string;
  }): Promise<ScheduleEntry>;
  get(id: string): Promise<ScheduleEntry | undefined>;
  list(): Promise<ScheduleEntry[]>;
  cancel(id: string): Promise<void>;
}

function describe(entry: ScheduleEntry): string {
  return `${entry.id}: "${entry.text}" ${entry.cron ? `repeats "${entry.cron}", next` : 'at'} ${formatLocal(Date.parse(entry.dueAt), entry.timeZone)}`;
}

/** `reminder_create`, `reminder_list`, `reminder_cancel` for the reminders agent. */
export function createReminderTools(reminders: ReminderAccess): Tool[] {
  const create = defineTool({
    name: 'reminder_create',
    description:
      'Schedule a reminder for the owner. `when` takes forms like "tomorrow 9am", "in 2 hours", "next Monday 10:00", "2026-12-01 09:00"; or give `cron` (five fields) for a recurring one.',
    inputSchema: z
      .object({
        text: z.string().trim().min(1).max(2_000).describe('what to remind the owner of, self-contained'),
        when: z.string().min(1).optional().describe('when it is due'),
        cron: z.string().min(1).optional().describe('recurring: minute hour day-of-month month day-of-week'),
      })
      .strict(),
    effects: ['write'],
    idempotent: true,
    async execute(input, context) {
      // The same call (same idempotency key) makes the same reminder once.
      const id = context.idempotencyKey
        ? `rem_${createHash('sha256').update(context.idempotencyKey).digest('hex').slice(0, 20)}`
        : undefined;
      const existing = id ? await reminders.get(id) : undefined;
      const entry =
        existing ??
        (await reminders.add({
          text: input.text,
          ...(input.when === undefined ? {} : { at: input.when }),
          ...(input.cron === undefined ? {} : { cron: input.cron }),
          createdBy: context.agent,
          ...(id ? { id } : {}),
        }));
      return `Reminder set. ${describe(entry)}`;
    },
  });
  const list = defineTool({
    name: 'reminder_list',
    description: 'List the pending reminders, soonest first.',
    inputSchema: z.object({}).strict(),
    effects: ['read'],
    async execute() {
      const entries = await reminders.list();
      return entries.length === 0 ? 'No pending reminders.' : entries.map(describe).join('\n');
    },
  });
  const cancel = defineTool({
    name: 'reminder_cancel',
    description: 'Cancel a pending reminder by its id (from reminder_list).',
    inputSchema: z.object({ id: z.string().min(1) }).strict(),
    effects: ['write'],
    idempotent: true,
    async execute(input) {
      const entry = await reminders.get(input.id);
      if (entry?.cancelledAt) return `Reminder ${input.id} is cancelled.`;
      await reminders.cancel(input.id);
      return `Cancelled reminder ${input.id}.`;
    },
  });
  return [create, list, cancel];
}
