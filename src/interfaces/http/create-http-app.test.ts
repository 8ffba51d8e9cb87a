import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/sqlite/sqlite-database.ts';
import { SqliteDraftStore } from '../../adapters/sqlite/sqlite-draft-store.ts';
import { createTestApp } from '../../../test/support/test-app.ts';
import { createHttpApp } from './create-http-app.ts';

const token = 'test-token-0123456789abcdef0123456789';
const auth = { Authorization: `Bearer ${token}` };
const json = { ...auth, 'Content-Type': 'application/json' };

async function setup(options: Parameters<typeof createTestApp>[0] = {}) {
  const { app, journal } = await createTestApp(options);
  return { http: createHttpApp({ app, token, maxBodyBytes: 10_000, pollIntervalMs: 20 }), app, journal };
}

describe('HTTP API', () => {
  it('refuses requests without the right bearer token', async () => {
    const { http } = await setup();
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: token }]) {
      const response = await http.request('/v1/agents', { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('lists agents and shows one; an unknown agent is a 404 with a hint', async () => {
    const { http } = await setup();
    const list = (await (await http.request('/v1/agents', { headers: auth })).json()) as {
      agents: { name: string }[];
    };
    expect(list.agents.map((agent) => agent.name)).toEqual(['assistant', 'translator']);
    expect((await http.request('/v1/agents/translator', { headers: auth })).status).toBe(200);
    const missing = await http.request('/v1/agents/asistant', { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { message: expect.stringContaining('Did you mean "assistant"') },
    });
  });

  it('creates a task, and the run can be fetched with its steps', async () => {
    const { http } = await setup();
    const created = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'hi', agent: 'assistant', wait: true }),
    });
    expect(created.status).toBe(200);
    const { run } = (await created.json()) as {
      run: { id: string; status: string; outcome: { output: string } };
    };
    expect(run).toMatchObject({ status: 'succeeded', outcome: { output: 'hello from the test model' } });
    const fetched = (await (await http.request(`/v1/runs/${run.id}`, { headers: auth })).json()) as {
      steps: unknown[];
    };
    expect(fetched.steps).toHaveLength(1);
    const listed = (await (
      await http.request('/v1/runs?limit=5&status=succeeded', { headers: auth })
    ).json()) as { runs: unknown[] };
    expect(listed.runs).toHaveLength(1);
  });

  it('answers malformed bodies and queries with a 4xx that says what is wrong', async () => {
    const { http } = await setup();
    const cases: Array<[RequestInit, number, string]> = [
      [{ method: 'POST', headers: json, body: '{"text": ' }, 400, 'not valid JSON'],
      [
        { method: 'POST', headers: json, body: JSON.stringify({ text: '' }) },
        400,
        'text: must say what you want done',
      ],
      [{ method: 'POST', headers: json, body: JSON.stringify({ text: 'x', agent: 42 }) }, 400, 'agent:'],
      [{ method: 'POST', headers: json, body: JSON.stringify({ text: 'x', colour: 'red' }) }, 400, 'colour'],
      [
        { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'hi' },
        400,
        'Content-Type: application/json',
      ],
      [
        { method: 'POST', headers: json, body: JSON.stringify({ text: 'x'.repeat(20_000) }) },
        413,
        'larger than',
      ],
      [
        { method: 'POST', headers: json, body: JSON.stringify({ text: 'x', agent: 'nobody' }) },
        404,
        'unknown agent',
      ],
    ];
    for (const [init, status, message] of cases) {
      const response = await http.request('/v1/tasks', init);
      expect(response.status, message).toBe(status);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain(message);
    }
    expect((await http.request('/v1/runs?limit=0', { headers: auth })).status).toBe(400);
    expect((await http.request('/v1/runs?status=done', { headers: auth })).status).toBe(400);
    expect((await http.request('/v1/runs/run_missing', { headers: auth })).status).toBe(404);
    expect((await http.request('/v1/nothing', { headers: auth })).status).toBe(404);
  });

  it('says how to configure a model when none is', async () => {
    const { http } = await setup({ model: false });
    const response = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'hi', agent: 'assistant' }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: 'MODEL_NOT_CONFIGURED', message: expect.stringContaining('NOVA_MODEL') },
    });
  });

  it('streams a run as server-sent events, from start to end', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { http } = await setup({
      turns: [
        async () => {
          await gate;
          return { toolCalls: [{ id: 'c1', name: 'notes_search', input: { query: 'x' } }] };
        },
        { text: 'streamed answer' },
      ],
    });
    const created = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'hi', agent: 'assistant' }),
    });
    expect(created.status).toBe(202);
    const { runId, links } = (await created.json()) as { runId: string; links: { events: string } };
    expect(links.events).toBe(`/v1/runs/${runId}/events`);
    const stream = await http.request(links.events, { headers: auth });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    release();
    const body = await stream.text();
    const events = [...body.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(events).toEqual([
      'step-start',
      'step-end',
      'step-start',
      'step-end',
      'step-start',
      'text-delta',
      'step-end',
      'run-end',
    ]);
    expect(body).toContain('streamed answer');

    // A finished run streams its journal and ends at once.
    const replay = await (await http.request(links.events, { headers: auth })).text();
    expect([...replay.matchAll(/^event: (.+)$/gm)].map((match) => match[1]).at(-1)).toBe('run-end');
  });

  it('continues a conversation with followUp, and names a missing run', async () => {
    const { http } = await setup();
    const first = (await (
      await http.request('/v1/tasks', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ text: 'hi', agent: 'assistant', wait: true }),
      })
    ).json()) as { run: { id: string } };
    const followed = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'and more?', followUp: 'last', wait: true }),
    });
    expect(followed.status).toBe(200);
    const { run } = (await followed.json()) as {
      run: { agent: string; task: { followsRunId: string; routing: { strategy: string } } };
    };
    expect(run.task.followsRunId).toBe(first.run.id);
    expect(run.agent).toBe('assistant');
    const missing = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'and more?', followUp: 'run_nope' }),
    });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toContain('no run run_nope to follow up');
  });

  it('routes a task that names no agent, and answers a vague one with a question', async () => {
    const { http } = await setup();
    const routed = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'translator test agent please', wait: true }),
    });
    expect(await routed.json()).toMatchObject({
      run: { agent: 'translator', task: { routing: { strategy: 'ranker' } } },
    });
    const vague = await http.request('/v1/tasks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(vague.status).toBe(200);
    const asked = (await vague.json()) as { clarification: { id: string }; links: { answer: string } };
    expect(asked).toMatchObject({
      clarification: {
        kind: 'clarification',
        candidates: expect.any(Array),
        id: expect.stringMatching(/^clar_/),
      },
    });
    // Answering continues the same task: its text, the chosen agent, the answer in its routing.
    const answered = await http.request(asked.links.answer, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ agent: 'translator', wait: true }),
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({
      run: { agent: 'translator', task: { text: 'hi', routing: { strategy: 'clarified' } } },
    });
    const twice = await http.request(asked.links.answer, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ agent: 'translator' }),
    });
    expect(twice.status).toBe(409);
    const unknown = await http.request('/v1/clarifications/clar_nope', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ agent: 'translator' }),
    });
    expect(unknown.status).toBe(404);
  });

  it('keeps CORS closed unless an origin is listed; an allowed origin gets preflight and headers', async () => {
    const { app } = await createTestApp();
    const open = createHttpApp({ app, token, maxBodyBytes: 10_000, corsOrigins: ['http://localhost:5173'] });
    const preflight = await open.request('/v1/agents', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = await open.request('/v1/agents', {
      headers: { authorization: `Bearer ${token}`, origin: 'http://localhost:5173' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await open.request('/v1/agents', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.status).toBe(403);
    const { http: closed } = await setup();
    const refused = await closed.request('/v1/agents', {
      headers: { authorization: `Bearer ${token}`, origin: 'http://localhost:5173' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('HTTP API: e-mail drafts', () => {
  it('lists drafts, shows one and serves it as an .eml file; nothing can be sent or changed', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-http-drafts-'));
    try {
      const drafts = new SqliteDraftStore(openSqliteDatabase(path.join(directory, 'nova.db')));
      await drafts.create({
        id: 'draft_1',
        to: ['anna@acme.example'],
        cc: [],
        subject: 'Invoice 2024-118',
        body: 'Hello Anna,\n\nfriendly reminder.',
        createdAt: '2026-12-02T10:00:00.000Z',
        createdBy: 'email-drafter',
      });
      const { app } = await createTestApp();
      const http = createHttpApp({ app, token, maxBodyBytes: 10_000, drafts });
      const listed = (await (await http.request('/v1/drafts', { headers: auth })).json()) as {
        drafts: Array<{ id: string }>;
      };
      expect(listed.drafts.map((draft) => draft.id)).toEqual(['draft_1']);
      const eml = await http.request('/v1/drafts/draft_1/eml', { headers: auth });
      expect(eml.headers.get('content-type')).toBe('message/rfc822');
      expect(eml.headers.get('content-disposition')).toBe('attachment; filename="draft_1.eml"');
      const text = await eml.text();
      expect(text).toContain('To: anna@acme.example');
      expect(text).toContain('Subject: Invoice 2024-118');
      const badLimit = await http.request('/v1/drafts?limit=0', { headers: auth });
      expect(badLimit.status).toBe(400);
      for (const method of ['POST', 'DELETE', 'PATCH'])
        expect((await http.request('/v1/drafts/draft_1', { method, headers: json, body: '{}' })).status).toBe(
          404,
        );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
