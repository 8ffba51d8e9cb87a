import type { Hono } from 'hono';
import { z } from 'zod';
import type { ReminderService } from '../../app/reminder-service.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { readJson, zodProblems } from './http-helpers.ts';

const reminderBody = z
  .object({
    text: z.string().trim().min(1).max(2_000),
    at: z.string().min(1).optional(),
    cron: z.string().min(1).optional(),
  })
  .strict();

/** Reminders and the inbox over HTTP; same service as `nova remind` and `nova inbox`. */
export function addReminderRoutes(http: Hono, reminders: ReminderService): void {
  http.get('/v1/reminders', async (context) =>
    context.json({
      reminders: await reminders.list(context.req.query('all') === 'true' ? { all: true } : {}),
    }),
  );
  http.post('/v1/reminders', async (context) => {
    const parsed = reminderBody.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid reminder: ${zodProblems(parsed.error)}`);
    const { text, at, cron } = parsed.data;
    const reminder = await reminders.add({
      text,
      ...(at ? { at } : {}),
      ...(cron ? { cron } : {}),
      createdBy: 'owner (http)',
    });
    return context.json({ reminder }, 201);
  });
  http.delete('/v1/reminders/:id', async (context) => {
    await reminders.cancel(context.req.param('id'));
    return context.json({ cancelled: true });
  });
  http.get('/v1/inbox', async (context) =>
    context.json({ inbox: await reminders.inbox(context.req.query('all') === 'true' ? { all: true } : {}) }),
  );
  http.post('/v1/inbox/:id/ack', async (context) => {
    await reminders.acknowledge(context.req.param('id'));
    return context.json({ acknowledged: true });
  });
}
