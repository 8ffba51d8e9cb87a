import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNova, type Nova } from '../../composition/create-nova.ts';
import { createHttpApp } from './create-http-app.ts';

const opened: Array<{ nova: Nova; dir: string }> = [];
afterEach(async () => {
  for (const { nova, dir } of opened.splice(0)) {
    await nova.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function api() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-http-pipe-'));
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.writeFileSync(
    path.join(dir, 'pipelines', 'send.yaml'),
    [
      'name: send',
      'description: asks, then saves',
      'input: { type: object, required: [text], properties: { text: { type: string } } }',
      'steps:',
      '  - { id: ask, kind: approval, message: "Save {{input.text}}?" }',
      '  - { id: save, kind: tool, tool: notes_add, args: { text: "{{input.text}}" } }',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'nova.config.json'), JSON.stringify({ dataDir: 'data' }));
  const nova = await createNova({ cwd: dir, env: {} });
  opened.push({ nova, dir });
  const http = createHttpApp({ app: nova.app, pipelines: nova.pipelines, token: 't', maxBodyBytes: 10_000 });
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await http.request(url, {
      method,
      headers: {
        authorization: 'Bearer t',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { call };
}

describe('HTTP pipelines and approvals', () => {
  it('runs a pipeline to its approval, shows the approval, and continues when approved', async () => {
    const { call } = await api();
    const listed = await call('GET', '/v1/pipelines');
    expect(listed.body.pipelines).toEqual([expect.objectContaining({ name: 'send', steps: 2 })]);
    const started = await call('POST', '/v1/pipelines/send/runs', { input: { text: 'hello' }, wait: true });
    expect(started.status).toBe(200);
    const run = started.body.run as { id: string; status: string };
    expect(run.status).toBe('waiting');
    const approvals = (await call('GET', '/v1/approvals')).body.approvals as Array<{
      id: string;
      reason: string;
    }>;
    expect(approvals).toEqual([expect.objectContaining({ reason: 'Save hello?' })]);
    expect((await call('POST', `/v1/approvals/${approvals[0]!.id}`, { approved: false })).status).toBe(400);
    const decided = await call('POST', `/v1/approvals/${approvals[0]!.id}`, { approved: true });
    expect(decided).toMatchObject({
      status: 202,
      body: { decided: true, resumed: { pipelineRunId: run.id } },
    });
    let status = '';
    for (let tries = 0; tries < 100 && status !== 'succeeded'; tries += 1) {
      status = ((await call('GET', `/v1/pipeline-runs/${run.id}`)).body.run as { status: string }).status;
      if (status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe('succeeded');
    expect((await call('POST', `/v1/approvals/${approvals[0]!.id}`, { approved: true })).status).toBe(409);
  });

  it('answers bad pipeline requests with a 4xx saying what is wrong', async () => {
    const { call } = await api();
    expect(await call('POST', '/v1/pipelines/nope/runs', {})).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    const bad = await call('POST', '/v1/pipelines/send/runs', { input: {} });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("must have required property 'text'");
    expect((await call('GET', '/v1/pipeline-runs/pipe_missing')).status).toBe(404);
  });
});
