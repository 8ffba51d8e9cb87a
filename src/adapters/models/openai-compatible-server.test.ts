/**
 * End to end over real HTTP: the resolver's OpenAI-compatible path (as for Ollama, LM Studio,
 * llama.cpp, vLLM) against a small server started here on 127.0.0.1. No fetch mocks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelsConfig } from '../../config/nova-config.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { ModelMessage, ModelRequest } from '../../ports/chat-model.ts';
import { createModelResolver } from './model-resolver.ts';
import type { RetryNotice } from './resilient-chat-model.ts';

async function failureOf(promise: Promise<unknown>): Promise<NovaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!NovaError.is(error)) throw new Error(`expected a NovaError, got ${String(error)}`);
  return error;
}

interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown> | undefined;
}

/** What the server does with the next chat completion request. */
type Reply =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool-call'; readonly name: string; readonly arguments: string }
  | { readonly kind: 'status'; readonly status: number; readonly message: string };

const requests: RecordedRequest[] = [];
const replies: Reply[] = [];
let server: http.Server;
let baseUrl: string;

function completion(reply: Exclude<Reply, { kind: 'status' }>): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'local-model',
    choices: [
      {
        index: 0,
        finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls',
        message:
          reply.kind === 'text'
            ? { role: 'assistant', content: reply.text }
            : {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_1',
                    type: 'function',
                    function: { name: reply.name, arguments: reply.arguments },
                  },
                ],
              },
      },
    ],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

/** The same reply as server-sent events, the way OpenAI streams it. */
function chunks(reply: Exclude<Reply, { kind: 'status' }>): unknown[] {
  const chunk = (delta: unknown, finishReason: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'local-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const usage = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'local-model',
    choices: [],
    usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 },
  };
  if (reply.kind === 'text') {
    const words = reply.text.split(/(?<= )/);
    return [
      chunk({ role: 'assistant', content: '' }),
      ...words.map((word) => chunk({ content: word })),
      chunk({}, 'stop'),
      usage,
    ];
  }
  const half = Math.floor(reply.arguments.length / 2);
  return [
    chunk({
      role: 'assistant',
      tool_calls: [
        {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: reply.name, arguments: reply.arguments.slice(0, half) },
        },
      ],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: reply.arguments.slice(half) } }] }),
    chunk({}, 'tool_calls'),
    usage,
  ];
}

function handle(request: http.IncomingMessage, response: http.ServerResponse, text: string): void {
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  requests.push({
    method: request.method ?? '',
    url: request.url ?? '',
    authorization: request.headers.authorization,
    body,
  });
  if (request.method === 'GET' && request.url === '/v1/models') {
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ object: 'list', data: [{ id: 'local-model', object: 'model' }] }));
    return;
  }
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    response.statusCode = 404;
    response.end();
    return;
  }
  const reply = replies.shift() ?? { kind: 'status', status: 500, message: 'the test planned no reply' };
  if (reply.kind === 'status') {
    response.statusCode = reply.status;
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ error: { message: reply.message, type: 'server_error' } }));
    return;
  }
  if (body?.stream === true) {
    response.setHeader('Content-Type', 'text/event-stream');
    for (const part of chunks(reply)) response.write(`data: ${JSON.stringify(part)}\n\n`);
    response.end('data: [DONE]\n\n');
    return;
  }
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify(completion(reply)));
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => handle(request, response, text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  replies.length = 0;
});

const config = (): ModelsConfig => ({
  retries: 2,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 1,
  timeoutMs: 5_000,
  providers: { local: { baseUrl } },
});
const tools = [
  {
    name: 'notes_search',
    description: 'Searches the notes',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
];
const ask = (messages: ModelMessage[], onTextDelta?: (delta: string) => void): ModelRequest => ({
  system: 'You are Nova.',
  messages,
  tools,
  ...(onTextDelta ? { onTextDelta } : {}),
});
const noWait = { now: () => 0, sleep: () => Promise.resolve() };

describe('an OpenAI-compatible server over HTTP', () => {
  it('runs a tool call turn and a follow-up turn with the tool result, without streaming', async () => {
    const model = createModelResolver({ config: config(), env: {}, baseDir: '.', clock: noWait }).resolve(
      'local:local-model',
    );
    replies.push({ kind: 'tool-call', name: 'notes_search', arguments: '{"query":"invoices"}' });
    const first = await model.generate(ask([{ role: 'user', content: 'find my invoices' }]));
    expect(first).toMatchObject({
      text: '',
      finishReason: 'tool-calls',
      toolCalls: [{ id: 'call_1', name: 'notes_search', input: { query: 'invoices' } }],
      usage: { inputTokens: 11, outputTokens: 7 },
      modelId: 'local:local-model',
    });

    replies.push({ kind: 'text', text: 'You have two invoices.' });
    const second = await model.generate(
      ask([
        { role: 'user', content: 'find my invoices' },
        { role: 'assistant', text: '', toolCalls: first.toolCalls },
        {
          role: 'tool',
          results: [
            {
              toolCallId: 'call_1',
              toolName: 'notes_search',
              output: 'invoice-1, invoice-2',
              isError: false,
            },
          ],
        },
      ]),
    );
    expect(second).toMatchObject({ text: 'You have two invoices.', finishReason: 'stop', toolCalls: [] });

    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
    ]);
    expect(requests[0]?.body).toMatchObject({
      model: 'local-model',
      messages: [
        { role: 'system', content: 'You are Nova.' },
        { role: 'user', content: 'find my invoices' },
      ],
      tools: [{ type: 'function', function: { name: 'notes_search', parameters: tools[0]?.inputSchema } }],
    });
    expect(requests[1]?.body?.messages).toEqual([
      { role: 'system', content: 'You are Nova.' },
      { role: 'user', content: 'find my invoices' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'notes_search', arguments: '{"query":"invoices"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'invoice-1, invoice-2' },
    ]);
  });

  it('streams text as server-sent events, with usage', async () => {
    const model = createModelResolver({ config: config(), env: {}, baseDir: '.', clock: noWait }).resolve(
      'local:local-model',
    );
    replies.push({ kind: 'text', text: 'Hello from a local model over SSE.' });
    const deltas: string[] = [];
    const response = await model.generate(
      ask([{ role: 'user', content: 'hi' }], (delta) => deltas.push(delta)),
    );
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Hello from a local model over SSE.');
    expect(response).toMatchObject({
      text: 'Hello from a local model over SSE.',
      finishReason: 'stop',
      usage: { inputTokens: 21, outputTokens: 5 },
    });
    expect(requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams tool calls in pieces, and reports arguments that are not JSON as a parse error', async () => {
    const model = createModelResolver({ config: config(), env: {}, baseDir: '.', clock: noWait }).resolve(
      'local:local-model',
    );
    replies.push({ kind: 'tool-call', name: 'notes_search', arguments: '{"query":"welcome"}' });
    const good = await model.generate(ask([{ role: 'user', content: 'hi' }], () => undefined));
    expect(good.toolCalls).toEqual([{ id: 'call_1', name: 'notes_search', input: { query: 'welcome' } }]);

    replies.push({ kind: 'tool-call', name: 'notes_search', arguments: '{"query": "wel' });
    const bad = await model.generate(ask([{ role: 'user', content: 'hi' }], () => undefined));
    expect(bad.toolCalls).toEqual([
      { id: 'call_1', name: 'notes_search', input: '{"query": "wel', parseError: expect.any(String) },
    ]);
  });

  it('retries a 503 from the server, and does not retry a 400', async () => {
    const notices: RetryNotice[] = [];
    const models = createModelResolver({
      config: config(),
      env: {},
      baseDir: '.',
      clock: noWait,
      onRetry: (notice) => notices.push(notice),
    });
    replies.push(
      { kind: 'status', status: 503, message: 'loading model' },
      { kind: 'text', text: 'ready now' },
    );
    expect(
      (await models.resolve('local:local-model').generate(ask([{ role: 'user', content: 'hi' }]))).text,
    ).toBe('ready now');
    expect(notices).toMatchObject([{ modelId: 'local:local-model', retry: 1, status: 503 }]);

    replies.push({ kind: 'status', status: 400, message: 'tools are not supported by this model' });
    const error = await failureOf(
      models.resolve('local:local-model').generate(ask([{ role: 'user', content: 'hi' }])),
    );
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toBe(
      'local:local-model failed after 1 attempt: 400 tools are not supported by this model',
    );
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(3);
  });

  it('sends the configured key, and no error repeats it even when the server echoes it', async () => {
    const key = 'sk-local-0123456789abcdef';
    const models = createModelResolver({
      config: { ...config(), providers: { local: { baseUrl, apiKeyEnv: 'LOCAL_LLM_KEY' } } },
      env: { LOCAL_LLM_KEY: key },
      baseDir: '.',
      clock: noWait,
    });
    replies.push({ kind: 'status', status: 401, message: `invalid key ${key}` });
    const error = await failureOf(
      models.resolve('local:local-model').generate(ask([{ role: 'user', content: 'hi' }])),
    );
    expect(requests[0]?.authorization).toBe(`Bearer ${key}`);
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toContain('401 invalid key [redacted]');
    expect(JSON.stringify(error.toJSON())).not.toContain(key);

    expect(await models.check('local:local-model')).toEqual({
      ok: true,
      detail: `${baseUrl} answers and lists local-model`,
    });
    expect(requests.at(-1)).toMatchObject({
      method: 'GET',
      url: '/v1/models',
      authorization: `Bearer ${key}`,
    });
    expect(await models.check('local:other-model')).toEqual({
      ok: true,
      detail: `${baseUrl} answers, but does not list other-model (it lists local-model)`,
    });
  });
});
