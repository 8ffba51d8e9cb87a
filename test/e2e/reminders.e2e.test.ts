import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, spawnCli, waitFor } from '../support/run-cli.ts';

/** Reminders through the real CLI: set one, let its time pass while Nova is stopped, start Nova: it fires once, late. */
describe('reminders (e2e)', () => {
  let workspace: { dir: string; cleanup(): void };
  beforeAll(() => {
    workspace = makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const env = (): Record<string, string> => ({ NOVA_DATA_DIR: `${workspace.dir}/data` });
  const nova = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: env() });

  it('a reminder due while Nova was stopped fires once on start, marked late, and waits in the inbox', async () => {
    // Due two hours ago: Nova was not running then.
    const past = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const set = await nova('remind', 'send the Acme invoice', '--at', past, '--json');
    expect(set.code).toBe(0);
    const { reminder } = JSON.parse(set.stdout) as { reminder: { id: string } };
    expect((await nova('remind', 'list')).stdout).toContain('send the Acme invoice');

    const server = spawnCli(['start', '--port', '0'], { cwd: workspace.dir, env: env() });
    let stderr = '';
    server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('Nova API listening'), 20_000, 'the server to start');
    // The missed reminders fire just after the server is up.
    await waitFor(
      () => stderr.includes('that came due while Nova was stopped'),
      20_000,
      'the missed reminder to fire',
    );
    expect(stderr).toContain('fired 1 reminder(s) that came due while Nova was stopped');
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('close', resolve));

    const inbox = JSON.parse((await nova('inbox', '--json')).stdout) as {
      inbox: Array<{ id: string; scheduleId: string; late: boolean; text: string }>;
    };
    expect(inbox.inbox).toEqual([
      expect.objectContaining({ scheduleId: reminder.id, late: true, text: 'send the Acme invoice' }),
    ]);
    expect((await nova('inbox')).stdout).toMatch(/LATE due .* fired /);
    // Once only: running due reminders again fires nothing.
    expect((await nova('remind', 'run-due')).stdout).toContain('Nothing due.');
    expect((await nova('inbox', 'ack', 'all')).stdout).toContain('Acknowledged 1.');
    expect((await nova('inbox')).stdout).toContain('Inbox empty.');
  });

  it('says which forms are accepted when a time cannot be read, and takes cron for recurring ones', async () => {
    const bad = await nova('remind', 'pay VAT', '--at', 'sometime soonish');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Accepted forms: in 30 minutes');
    const weekly = await nova('remind', 'weekly report', '--cron', '0 9 * * 1');
    expect(weekly.stdout).toMatch(/on "0 9 \* \* 1", next \d{4}-\d{2}-\d{2} 09:00/);
    const badCron = await nova('remind', 'x', '--cron', 'every monday');
    expect(badCron.stderr).toContain('five fields');
  });
});
