import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, spawnCli, waitFor } from '../support/run-cli.ts';

let workspace: ReturnType<typeof makeWorkspace>;
let server: ChildProcess;
let baseUrl: string;
let token: string;
let stderr = '';

beforeAll(async () => {
  workspace = makeWorkspace('nova-server-');
  // A private agents folder so the test can add an agent while the server runs.
  const agentsDir = path.join(workspace.dir, 'agents');
  fs.cpSync(path.join(repoRoot, 'agents'), agentsDir, { recursive: true });
  server = spawnCli(['start', '--port', '0'], {
    cwd: workspace.dir,
    env: { NOVA_MODEL: `scripted:${path.join(repoRoot, 'examples/hello.json')}` },
  });
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(() => /listening on (http:\/\/\S+)/.test(stderr), 20_000, 'the server to listen');
  baseUrl = /listening on (http:\/\/\S+)/.exec(stderr)![1]!;
  token = fs.readFileSync(path.join(workspace.dir, '.nova/api-token'), 'utf8').trim();
});

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('close', resolve));
  }
  workspace.cleanup();
});

function request(route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl}${route}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
}

describe('nova start, end to end', () => {
  it('binds to loopback and keeps its token private', () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const mode = fs.statSync(path.join(workspace.dir, '.nova/api-token')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('runs a task over HTTP and streams its events', async () => {
    const created = await request('/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ text: 'hello', agent: 'assistant' }),
    });
    expect(created.status).toBe(202);
    const { runId } = (await created.json()) as { runId: string };
    const events = await (await request(`/v1/runs/${runId}/events`)).text();
    expect(events).toContain('event: run-end');
    const { run, steps } = (await (await request(`/v1/runs/${runId}`)).json()) as {
      run: { status: string };
      steps: unknown[];
    };
    expect(run.status).toBe('succeeded');
    expect(steps).toHaveLength(3);
  });

  it('answers a malformed body with a clear 400 and no stack trace', async () => {
    const response = await request('/v1/tasks', { method: 'POST', body: '{"text": "unterminated' });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'BAD_REQUEST', message: 'the body is not valid JSON' },
    });
    expect(text).not.toContain('    at ');
    expect((await fetch(`${baseUrl}/v1/agents`)).status).toBe(401);
  });

  it('picks up a new agent file without a restart', async () => {
    const source = fs.readFileSync(path.join(repoRoot, 'agents/translator.md'), 'utf8');
    fs.writeFileSync(
      path.join(workspace.dir, 'agents/interpreter.md'),
      source
        .replace(/^name: translator$/m, 'name: interpreter')
        .replace(/^title: .*$/m, 'title: Interpreter'),
    );
    await waitFor(
      async () => (await request('/v1/agents/interpreter')).status === 200,
      10_000,
      'the new agent to load',
    );
    const agent = (await (await request('/v1/agents/interpreter')).json()) as { agent: { title: string } };
    expect(agent.agent.title).toBe('Interpreter');
  });

  it('stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    const code = await new Promise((resolve) => server.once('close', resolve));
    expect(code).toBe(0);
  });
});
