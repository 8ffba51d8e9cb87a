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

  it('keeps the to-do list over HTTP, the same list as nova todo, and lists drafts read-only', async () => {
    const added = await request('/v1/todos', {
      method: 'POST',
      body: JSON.stringify({ title: 'Send Acme the invoice', due: '2020-01-31', priority: 'high' }),
    });
    expect(added.status).toBe(201);
    const { todo } = (await added.json()) as { todo: { id: string; status: string; createdBy: string } };
    expect(todo).toMatchObject({ status: 'open', createdBy: 'owner (http)' });
    const overdue = (await (await request('/v1/todos?show=overdue')).json()) as {
      today: string;
      todos: Array<{ id: string }>;
    };
    expect(overdue.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(overdue.todos.map((item) => item.id)).toEqual([todo.id]);
    const done = await request(`/v1/todos/${todo.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'done' }),
    });
    expect(((await done.json()) as { todo: { status: string } }).todo.status).toBe('done');
    expect(((await (await request('/v1/todos')).json()) as { todos: unknown[] }).todos).toEqual([]);
    // Bad input says what was wrong and what would be right.
    const badShow = await request('/v1/todos?show=later');
    expect(badShow.status).toBe(400);
    expect(await badShow.text()).toContain(
      'show must be one of open, overdue, blocked, done, cancelled, all',
    );
    const badDate = await request('/v1/todos', {
      method: 'POST',
      body: JSON.stringify({ title: 'File the VAT return', due: '31.01.2020' }),
    });
    expect(badDate.status).toBe(400);
    expect(await badDate.text()).toContain('must be a calendar date like 2026-11-26');
    const missing = await request('/v1/todos/todo_nope', { method: 'PATCH', body: '{"status":"done"}' });
    expect(missing.status).toBe(404);

    expect(await (await request('/v1/drafts')).json()).toEqual({ drafts: [] });
    const noDraft = await request('/v1/drafts/draft_nope/eml');
    expect(noDraft.status).toBe(404);
    expect(await noDraft.text()).toContain('no draft draft_nope; GET /v1/drafts lists them');
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
