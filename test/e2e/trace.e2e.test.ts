import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/run-cli.ts';

const secret = 'acme-live-7f3a9c1e5b';

let workspace: ReturnType<typeof makeWorkspace>;
let server: http.Server;
let received: Array<{ url: string; authorization?: string; body: string }>;
beforeEach(async () => {
  workspace = makeWorkspace('nova-trace-e2e-');
  received = [];
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        body,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  workspace.cleanup();
});

function write(file: string, content: unknown): string {
  const full = path.join(workspace.dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
}

function agentFile(name: string, model: string, tools: string[], delegates: string[]): string {
  return [
    '---',
    `name: ${name}`,
    `title: ${name}`,
    'domain: general',
    `description: ${name} agent for the tracing test.`,
    'examples: [check the stock levels]',
    `model: scripted:${model}`,
    `tools: [${tools.join(', ')}]`,
    'effects: [read]',
    `delegates: [${delegates.join(', ')}]`,
    '---',
    'Help.',
    '',
  ].join('\n');
}

describe('nova trace, end to end', () => {
  it('prints the span tree of a run with a tool call and a delegation, and exports it over OTLP', async () => {
    const planner = write('scripts/planner.json', {
      responses: [
        { toolCalls: [{ name: 'notes_search', args: { query: `stock ${secret}` } }] },
        { toolCalls: [{ name: 'delegate', args: { agent: 'stockkeeper', task: 'Which items are low?' } }] },
        { text: 'Two items are low.' },
      ],
    });
    const keeper = write('scripts/keeper.json', { responses: [{ text: 'Bolts and nuts are low.' }] });
    write('agents/planner.md', agentFile('planner', planner, ['notes_search', 'delegate'], ['stockkeeper']));
    write('agents/stockkeeper.md', agentFile('stockkeeper', keeper, [], []));
    write('nova.config.json', {
      tracing: {
        otlpEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        otlpHeaders: { Authorization: 'TRACE_AUTH' },
      },
    });
    const env = { TRACE_AUTH: 'Basic dGVzdDp0ZXN0', ACME_API_KEY: secret };

    const asked = await runCli(['ask', 'check stock', '--agent', 'planner'], { cwd: workspace.dir, env });
    expect(asked.code, asked.stderr).toBe(0);
    const runId = /run (run_\w+) succeeded/.exec(asked.stderr)?.[1];
    expect(runId).toBeDefined();

    const traced = await runCli(['trace', runId!], { cwd: workspace.dir, env });
    expect(traced.code, traced.stderr).toBe(0);
    const lines = traced.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${runId}`);
    const shape = lines.slice(1).map((line) => line.replace(/ · .*$/, ''));
    expect(shape).toEqual([
      '✓ invoke_agent planner',
      '  ✓ turn 1',
      `    ✓ chat ${planner}`,
      '    ✓ execute_tool notes_search',
      '  ✓ turn 2',
      `    ✓ chat ${planner}`,
      '    ✓ execute_tool delegate',
      '      ✓ invoke_agent stockkeeper',
      '        ✓ turn 1',
      `          ✓ chat ${keeper}`,
      '  ✓ turn 3',
      `    ✓ chat ${planner}`,
    ]);
    expect(lines[1]).toMatch(
      /^✓ invoke_agent planner · \d+ ms · \d+ tokens \(\d+ in, \d+ out\) · \$0 · run_/,
    );

    const json = JSON.parse(
      (await runCli(['trace', runId!, '--json'], { cwd: workspace.dir, env })).stdout,
    ) as {
      traceId: string;
      spans: Array<{ name: string; inputTokens: number; children: unknown[] }>;
    };
    expect(json.traceId).toBe(runId);
    expect(json.spans.map((span) => span.name)).toEqual(['invoke_agent planner']);
    expect(json.spans[0]!.inputTokens).toBeGreaterThan(0);

    // The CLI process flushed its batch before exiting.
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]).toMatchObject({ url: '/v1/traces', authorization: 'Basic dGVzdDp0ZXN0' });
    const exported = received.map((request) => request.body).join('\n');
    expect(exported).toContain('"invoke_agent stockkeeper"');
    expect(exported).toContain('"execute_tool delegate"');
    expect(exported).toContain('"gen_ai.operation.name"');

    // The secret in the tool's arguments and output is in neither the stored spans nor the export.
    expect(exported).not.toContain(secret);
    expect(JSON.stringify(json)).not.toContain(secret);
    expect(JSON.stringify(json)).toContain('stock [REDACTED]');
  });

  it("turns the export off, not the command, when an export header's variable is missing, and says which", async () => {
    write('nova.config.json', {
      tracing: { otlpEndpoint: 'http://127.0.0.1:9', otlpHeaders: { Authorization: 'TRACE_AUTH' } },
    });
    const listed = await runCli(['runs', 'list'], { cwd: workspace.dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain(
      'nova: tracing: OTLP export is off: tracing.otlpHeaders.Authorization reads the environment variable TRACE_AUTH, which is not set',
    );
    const doctor = await runCli(['doctor'], { cwd: workspace.dir });
    expect(doctor.stdout).toMatch(/tracing.*OTLP export is off/);
  });
});
