import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNova, type Nova } from '../composition/create-nova.ts';
import { createHttpApp } from '../interfaces/http/create-http-app.ts';

const opened: Array<{ nova: Nova; dir: string }> = [];
afterEach(async () => {
  for (const { nova, dir } of opened.splice(0)) {
    await nova.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('reminders wired into Nova', () => {
  it('posts fired reminders to the webhook, runs configured schedules, and serves reminders over HTTP', async () => {
    const received: unknown[] = [];
    const hook = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const { port } = hook.address() as { port: number };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-remind-'));
    fs.writeFileSync(
      path.join(dir, 'script.json'),
      JSON.stringify({ responses: [{ text: 'morning summary done' }], loop: true }),
    );
    fs.writeFileSync(
      path.join(dir, 'nova.config.json'),
      JSON.stringify({
        dataDir: 'data',
        timezone: 'UTC',
        models: { default: 'scripted:script.json' },
        reminders: { webhookUrl: `http://127.0.0.1:${port}/hook` },
        schedules: [{ id: 'morning', cron: '0 7 * * *', agent: 'briefing', task: 'brief me on today' }],
      }),
    );
    let now = Date.parse('2026-11-22T06:00:00Z');
    const nova = await createNova({
      cwd: dir,
      env: {},
      clock: { now: () => now, sleep: () => Promise.resolve() },
    });
    opened.push({ nova, dir });
    try {
      expect(await nova.registerSchedules()).toEqual(['sched_morning']);
      expect(await nova.registerSchedules()).toEqual([]);
      await nova.reminders.add({ text: 'call the accountant', at: 'in 30 minutes', createdBy: 'owner' });
      now = Date.parse('2026-11-22T07:00:30Z');
      const fired = await nova.reminders.runDue();
      expect(fired.map((item) => item.text).sort()).toEqual([
        'call the accountant',
        'scheduled task for briefing: brief me on today',
      ]);
      expect(received).toHaveLength(2);
      expect(received[0]).toMatchObject({ type: 'reminder', reminder: { scheduleId: expect.any(String) } });
      // The schedule's task ran with the briefing agent, requested by the schedule.
      let runs: Awaited<ReturnType<typeof nova.app.listRuns>> = [];
      for (let tries = 0; tries < 50 && runs.length === 0; tries += 1) {
        runs = await nova.app.listRuns({ agent: 'briefing' });
        if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(runs[0]?.task.requester).toEqual({ kind: 'schedule', scheduleId: 'morning' });
      expect((await nova.reminders.list())[0]).toMatchObject({
        id: 'sched_morning',
        dueAt: '2026-11-23T07:00:00.000Z',
      });

      const api = createHttpApp({
        app: nova.app,
        reminders: nova.reminders,
        token: 't',
        maxBodyBytes: 10_000,
      });
      const headers = { authorization: 'Bearer t', 'content-type': 'application/json' };
      const created = await api.request('/v1/reminders', {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'renew domain', at: 'next friday' }),
      });
      expect(created.status).toBe(201);
      const bad = await api.request('/v1/reminders', {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'x', at: 'soonish' }),
      });
      expect(bad.status).toBe(400);
      const inbox = (await (await api.request('/v1/inbox', { headers })).json()) as {
        inbox: Array<{ id: string }>;
      };
      expect(inbox.inbox).toHaveLength(2);
      expect(
        (await api.request(`/v1/inbox/${inbox.inbox[0]!.id}/ack`, { method: 'POST', headers })).status,
      ).toBe(200);
      expect(
        ((await (await api.request('/v1/inbox', { headers })).json()) as { inbox: unknown[] }).inbox,
      ).toHaveLength(1);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});
