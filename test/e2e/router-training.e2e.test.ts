import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, spawnCli, waitFor } from '../support/run-cli.ts';

const workspace = makeWorkspace('nova-router-training-');
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server?.once('close', resolve));
  }
  workspace.cleanup();
});

describe('nova start with no trained router yet', () => {
  it('trains the router in the background and keeps answering meanwhile; a routed task waits for it', async () => {
    // An empty cache folder: the 34-agent router must be trained (seconds of CPU).
    const cache = path.join(workspace.dir, 'cache');
    server = spawnCli(['start', '--port', '0'], {
      cwd: workspace.dir,
      env: { NOVA_CACHE_DIR: cache, NOVA_MODEL: `scripted:${path.join(repoRoot, 'examples/hello.json')}` },
    });
    let stderr = '';
    server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => /listening on (http:\/\/\S+)/.test(stderr), 20_000, 'the server to listen');
    const baseUrl = /listening on (http:\/\/\S+)/.exec(stderr)![1]!;
    const token = fs.readFileSync(path.join(workspace.dir, '.nova/api-token'), 'utf8').trim();
    const request = (route: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${route}`, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      });
    const routerCache = path.join(cache, 'router');
    const trained = () => fs.existsSync(routerCache) && fs.readdirSync(routerCache).length > 0;

    await waitFor(() => stderr.includes('training the router on 34 agents'), 60_000, 'training to start');
    const routed = request('/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ text: 'translate the delivery terms into German' }),
    });
    // A client that gives up while the router trains gets no run started for it.
    const impatient = request('/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ text: 'translate the payment terms into French' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(impatient).rejects.toThrow();
    // The server is not blocked by training: other requests are answered before it ends.
    const agents = await request('/v1/agents');
    expect(agents.status).toBe(200);
    expect(trained()).toBe(false);

    const task = await routed;
    expect(task.status).toBe(202);
    expect(((await task.json()) as { agent: string }).agent).toBe('translator');
    expect(trained()).toBe(true);
    // Trained once, in the worker: the server restored it rather than training it again.
    expect(stderr.match(/training the router on/g)).toHaveLength(1);
    const { runs } = (await (await request('/v1/runs')).json()) as {
      runs: Array<{ task: { text: string } }>;
    };
    expect(runs.map((run) => run.task.text)).toEqual(['translate the delivery terms into German']);
  }, 120_000);
});

describe('nova ask while the router trains', () => {
  it('stops on Ctrl-C at once, saying why, and starts no run', async () => {
    const env = {
      NOVA_CACHE_DIR: path.join(workspace.dir, 'ask-cache'),
      NOVA_MODEL: `scripted:${path.join(repoRoot, 'examples/hello.json')}`,
    };
    const ask = spawnCli(['ask', 'translate the delivery terms into German'], { cwd: workspace.dir, env });
    let stderr = '';
    ask.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => ask.once('close', resolve));
    await waitFor(() => stderr.includes('training the router on 34 agents'), 60_000, 'training to start');
    const interrupted = Date.now();
    ask.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(10_000); // not after training (~15 s)
    expect(stderr).toContain('stopped while waiting for the router to be trained');
    expect(stderr).not.toContain('▸ translator');
  }, 120_000);
});
