import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../../test/support/test-app.ts';
import { createRedactor } from '../../policy/redact.ts';
import { InMemoryTraceStore } from '../memory/in-memory-trace-store.ts';
import { OtlpExportingTraceStore, otlpTracesUrl } from './otlp-trace-export.ts';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status: { code?: number };
  attributes: OtlpAttribute[];
}
interface OtlpRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

/** A local OTLP/HTTP receiver: records each request's path, headers and JSON body. */
let server: http.Server;
let received: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }>;
let endpoint: string;
beforeEach(async () => {
  received = [];
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const secret = 'acme-live-7f3a9c1e5b';

function value(attributes: OtlpAttribute[], key: string): unknown {
  const found = attributes.find((attribute) => attribute.key === key)?.value;
  if (!found) return undefined;
  if (found.intValue !== undefined) return Number(found.intValue);
  return found.stringValue ?? found.boolValue ?? found.doubleValue;
}

describe('OTLP export', () => {
  it('sends a run as GenAI spans to the configured endpoint, in the background, secrets redacted', async () => {
    const exporting = new OtlpExportingTraceStore(new InMemoryTraceStore(), {
      endpoint,
      headers: { authorization: 'Basic cGs6c2s=' },
      serviceVersion: '0.0.0-test',
      scheduledDelayMillis: 50,
    });
    const { app, tracer } = await createTestApp({
      agents: [
        {
          ...testAgent('planner', { tools: ['notes_search', 'delegate'], delegates: ['erp'] }),
          model: 'test:model',
        },
        { ...testAgent('erp', { tools: [] }), model: 'test:erp' },
      ],
      scripts: {
        'test:model': [
          { toolCalls: [{ id: 'c1', name: 'notes_search', input: { query: `stock ${secret}` } }] },
          {
            toolCalls: [
              { id: 'c2', name: 'delegate', input: { agent: 'erp', task: 'Which items are low?' } },
            ],
          },
          { text: 'Two items are low.' },
        ],
        'test:erp': [{ text: 'Bolts are low.' }],
      },
      redact: createRedactor({ env: { ACME_API_KEY: secret } }),
      traces: exporting,
    });
    const run = await app.ask({ text: 'check stock', agent: 'planner' });
    expect(run.status).toBe('succeeded');
    await tracer.flush();
    await exporting.shutdown();

    expect(received.length).toBeGreaterThan(0);
    expect(received.every((request) => request.url === '/v1/traces')).toBe(true);
    expect(received[0]?.headers.authorization).toBe('Basic cGs6c2s=');
    expect(received[0]?.headers['content-type']).toContain('application/json');
    const bodies = received.map((request) => request.body).join('\n');
    expect(bodies).not.toContain(secret);

    const requests = received.map((request) => JSON.parse(request.body) as OtlpRequest);
    const resource = requests[0]!.resourceSpans[0]!.resource.attributes;
    expect(value(resource, 'service.name')).toBe('nova');
    const spans = requests.flatMap((request) =>
      request.resourceSpans.flatMap((resourceSpans) =>
        resourceSpans.scopeSpans.flatMap((scope) => scope.spans),
      ),
    );
    expect(spans.map((span) => span.name).sort()).toEqual(
      [
        'chat erp',
        'chat model',
        'chat model',
        'chat model',
        'execute_tool delegate',
        'execute_tool notes_search',
        'invoke_agent erp',
        'invoke_agent planner',
        'turn 1',
        'turn 1',
        'turn 2',
        'turn 3',
      ].sort(),
    );
    // One trace (the root run), 32/16 hex ids, parents linked: erp's run under the delegate call.
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(
      spans.every((span) => /^[0-9a-f]{32}$/.test(span.traceId) && /^[0-9a-f]{16}$/.test(span.spanId)),
    ).toBe(true);
    const named = (name: string): OtlpSpan => spans.find((span) => span.name === name)!;
    expect(named('invoke_agent erp').parentSpanId).toBe(named('execute_tool delegate').spanId);
    expect(named('invoke_agent planner').parentSpanId ?? '').toBe('');

    const agent = named('invoke_agent planner').attributes;
    expect(value(agent, ATTR_GEN_AI_OPERATION_NAME)).toBe('invoke_agent');
    expect(value(agent, ATTR_GEN_AI_AGENT_NAME)).toBe('planner');
    expect(value(agent, ATTR_GEN_AI_CONVERSATION_ID)).toBe(run.id);
    const chat = named('chat erp');
    expect(chat.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(value(chat.attributes, ATTR_GEN_AI_OPERATION_NAME)).toBe('chat');
    expect(value(chat.attributes, ATTR_GEN_AI_REQUEST_MODEL)).toBe('erp');
    expect(value(chat.attributes, ATTR_GEN_AI_PROVIDER_NAME)).toBe('test');
    expect(value(chat.attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS)).toBe(5);
    expect(value(chat.attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS)).toBe(5);
    const tool = named('execute_tool notes_search').attributes;
    expect(value(tool, ATTR_GEN_AI_OPERATION_NAME)).toBe('execute_tool');
    expect(value(tool, ATTR_GEN_AI_TOOL_NAME)).toBe('notes_search');
    expect(value(tool, ATTR_GEN_AI_TOOL_CALL_ID)).toBe('c1');
    expect(value(tool, 'gen_ai.tool.call.result')).toBe('no notes about stock [REDACTED]');
  });

  it('never fails a run when the endpoint is down; the local store still has every span', async () => {
    const closed = endpoint;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const local = new InMemoryTraceStore();
    const exporting = new OtlpExportingTraceStore(local, {
      endpoint: closed,
      scheduledDelayMillis: 10,
      exportTimeoutMillis: 500,
    });
    const { app, tracer } = await createTestApp({ traces: exporting });
    const run = await app.ask({ text: 'hello', agent: 'assistant' });
    expect(run.status).toBe('succeeded');
    await tracer.flush();
    await exporting.shutdown(2_000);
    expect((await local.listSpans(run.id)).map((span) => span.name)).toEqual([
      'invoke_agent assistant',
      'turn 1',
      'chat model',
    ]);
  });

  it('appends /v1/traces to a base endpoint', () => {
    expect(otlpTracesUrl('http://localhost:4318')).toBe('http://localhost:4318/v1/traces');
    expect(otlpTracesUrl('https://cloud.langfuse.com/api/public/otel/')).toBe(
      'https://cloud.langfuse.com/api/public/otel/v1/traces',
    );
    expect(otlpTracesUrl('http://localhost:6006/v1/traces')).toBe('http://localhost:6006/v1/traces');
  });
});
