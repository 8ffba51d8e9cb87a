import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelRequest } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { FaultInjectingLanguageModel } from './fault-injecting-language-model.ts';
import { parseModelId } from './model-id.ts';
import { createModelResolver, howToConfigureModel } from './model-resolver.ts';
import { modelScriptSchema, type ScriptedResponse } from './model-script.ts';
import { ResilientChatModel } from './resilient-chat-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const tools = [
  {
    name: 'notes_search',
    description: 'search',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
  },
];
const ask = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'be brief',
  messages: [{ role: 'user', content: 'hi' }],
  tools,
  ...overrides,
});
function scripted(responses: ScriptedResponse[]): { model: ChatModel; language: ScriptedLanguageModel } {
  const language = new ScriptedLanguageModel(modelScriptSchema.parse({ responses }), 'test.json');
  return { model: new AiSdkChatModel('scripted:test.json', language), language };
}

const sleeps: number[] = [];
const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  },
};

describe('model ids', () => {
  it('splits provider and model, allowing colons in the model', () => {
    expect(parseModelId('ollama:llama3.1:8b')).toEqual({ provider: 'ollama', model: 'llama3.1:8b' });
    expect(() => parseModelId('gpt-4o')).toThrow(/provider:model; examples: openai:gpt-4o-mini/);
  });
});

describe('ScriptedLanguageModel through the AI SDK', () => {
  it('plays text and tool calls in order, streaming or not, and records every call', async () => {
    const { model, language } = scripted([
      { text: 'looking', toolCalls: [{ name: 'notes_search', args: { query: 'welcome' } }] },
      { text: 'a longer answer that arrives in several pieces when streamed' },
    ]);
    const first = await model.generate(ask());
    expect(first).toMatchObject({
      text: 'looking',
      finishReason: 'tool-calls',
      toolCalls: [{ name: 'notes_search', input: { query: 'welcome' } }],
    });
    const deltas: string[] = [];
    const second = await model.generate(
      ask({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', text: 'looking', toolCalls: first.toolCalls },
          {
            role: 'tool',
            results: [
              {
                toolCallId: first.toolCalls[0]!.id,
                toolName: 'notes_search',
                output: 'nothing',
                isError: false,
              },
            ],
          },
        ],
        onTextDelta: (delta) => deltas.push(delta),
      }),
    );
    expect(second.text).toBe('a longer answer that arrives in several pieces when streamed');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(second.text);
    expect(second.usage.inputTokens).toBeGreaterThan(0);
    expect(language.calls).toHaveLength(2);
    const prompt = JSON.stringify(language.calls[1]?.prompt);
    expect(prompt).toContain('"type":"tool-result"');
    expect(prompt).toContain('nothing');
  });

  it('reports malformed tool arguments as a parse error the runtime can return', async () => {
    for (const stream of [false, true]) {
      const { model } = scripted([{ toolCalls: [{ name: 'notes_search', argsText: '{"query": "wel' }] }]);
      const response = await model.generate(ask(stream ? { onTextDelta: () => undefined } : {}));
      expect(response.toolCalls[0]).toMatchObject({
        name: 'notes_search',
        input: '{"query": "wel',
        parseError: expect.any(String),
      });
    }
  });

  it('fails clearly when the script runs out, and throws scripted HTTP errors with their status', async () => {
    const { model } = scripted([{ text: 'only one' }]);
    await model.generate(ask());
    await expect(model.generate(ask())).rejects.toThrow(/has 1 response\(s\) and call 2 was made/);
    const failing = scripted([{ error: { status: 429, message: 'slow down' } }]).model;
    await expect(failing.generate(ask())).rejects.toMatchObject({ statusCode: 429, isRetryable: true });
  });

  it('honours cancellation during a scripted delay', async () => {
    const { model } = scripted([{ delayMs: 60_000, text: 'late' }]);
    const controller = new AbortController();
    const pending = model.generate(ask({ signal: controller.signal }));
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
  });
});

describe('ResilientChatModel', () => {
  it('retries retryable errors with growing backoff, then answers', async () => {
    sleeps.length = 0;
    const { model } = scripted([
      { error: { status: 503, message: 'busy' } },
      { error: { status: 429, message: 'slow down' } },
      { text: 'third time lucky' },
    ]);
    const notices: number[] = [];
    const resilient = new ResilientChatModel(model, {
      retries: 2,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      timeoutMs: 5_000,
      clock,
      random: () => 1,
      onRetry: (notice) => notices.push(notice.retry),
    });
    expect((await resilient.generate(ask())).text).toBe('third time lucky');
    expect(sleeps).toEqual([100, 200]);
    expect(notices).toEqual([1, 2]);
  });

  it('does not retry a client error, and uses the fallback after the primary fails', async () => {
    const primary = scripted([{ error: { status: 400, message: 'bad request' } }]);
    const fallback = scripted([{ text: 'from the fallback' }]);
    const resilient = new ResilientChatModel(primary.model, {
      retries: 3,
      baseDelayMs: 1,
      maxDelayMs: 1,
      timeoutMs: 5_000,
      clock,
      fallback: new AiSdkChatModel('ollama:backup', fallback.language),
    });
    const response = await resilient.generate(ask());
    expect(response).toMatchObject({ text: 'from the fallback', modelId: 'ollama:backup' });
    expect(primary.language.calls).toHaveLength(1);
  });

  it('gives up with a MODEL_ERROR that says what happened to each model', async () => {
    const primary = scripted([
      { error: { status: 503, message: 'busy' } },
      { error: { status: 503, message: 'busy' } },
    ]);
    const fallback = scripted([{ error: { status: 401, message: 'bad key' } }]);
    const resilient = new ResilientChatModel(primary.model, {
      retries: 1,
      baseDelayMs: 1,
      maxDelayMs: 1,
      timeoutMs: 5_000,
      clock,
      fallback: new AiSdkChatModel('openai:gpt-4o-mini', fallback.language),
    });
    const error = await resilient.generate(ask()).catch((caught: unknown) => caught);
    expect(NovaError.is(error, 'MODEL_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(
      /scripted:test\.json failed after 2 attempts: 503 .*; fallback openai:gpt-4o-mini failed after 1 attempt: 401/,
    );
    expect((error as NovaError).details).toMatchObject({
      modelId: 'scripted:test.json',
      attempts: 2,
      status: 503,
    });
  });

  it('times out a hanging call and retries it; a caller abort is a cancellation', async () => {
    const language = new FaultInjectingLanguageModel(
      new ScriptedLanguageModel(modelScriptSchema.parse({ responses: [{ text: 'ok' }], loop: true })),
      { byCall: { 0: { kind: 'timeout' } } },
    );
    const resilient = new ResilientChatModel(new AiSdkChatModel('scripted:x', language), {
      retries: 1,
      baseDelayMs: 1,
      maxDelayMs: 1,
      timeoutMs: 50,
      clock,
    });
    expect((await resilient.generate(ask())).text).toBe('ok');
    expect(language.fired).toEqual([{ call: 0, fault: { kind: 'timeout' } }]);

    const hanging = new FaultInjectingLanguageModel(
      new ScriptedLanguageModel(modelScriptSchema.parse({ responses: [{ text: 'x' }] })),
      {
        byCall: { 0: { kind: 'timeout' } },
      },
    );
    const controller = new AbortController();
    const pending = new ResilientChatModel(new AiSdkChatModel('scripted:y', hanging), {
      retries: 3,
      baseDelayMs: 1,
      maxDelayMs: 1,
      timeoutMs: 60_000,
      clock,
    }).generate(ask({ signal: controller.signal }));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('FaultInjectingLanguageModel', () => {
  it('injects malformed tool calls, empty replies and HTTP errors, reproducibly by seed', async () => {
    const inner = () =>
      new ScriptedLanguageModel(
        modelScriptSchema.parse({
          responses: [{ toolCalls: [{ name: 'notes_search', args: { query: 'q' } }] }],
          loop: true,
        }),
      );
    const broken = new AiSdkChatModel(
      'x:y',
      new FaultInjectingLanguageModel(inner(), {
        byCall: { 0: { kind: 'malformed-tool-call' }, 1: { kind: 'empty' } },
      }),
    );
    expect((await broken.generate(ask())).toolCalls[0]?.parseError).toBeDefined();
    expect(await broken.generate(ask())).toMatchObject({ text: '', toolCalls: [] });

    const pick = async (seed: number) => {
      const faulty = new FaultInjectingLanguageModel(inner(), {
        probability: 0.5,
        faults: [{ kind: 'http', status: 500 }],
        seed,
      });
      const model = new AiSdkChatModel('x:y', faulty);
      for (let call = 0; call < 20; call++) await model.generate(ask()).catch(() => undefined);
      return faulty.fired.map((fired) => fired.call);
    };
    const first = await pick(7);
    expect(first.length).toBeGreaterThan(3);
    expect(first.length).toBeLessThan(17);
    expect(await pick(7)).toEqual(first);
  });
});

describe('createModelResolver', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-models-'));
    fs.writeFileSync(
      path.join(directory, 'demo.json'),
      JSON.stringify({ responses: [{ text: 'one' }, { text: 'two' }] }),
    );
    fs.writeFileSync(path.join(directory, 'bad.json'), JSON.stringify({ responses: [{ txt: 'typo' }] }));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
  const config = { retries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1, timeoutMs: 5_000, providers: {} };

  it('says exactly how to configure a model when none is', () => {
    const resolver = createModelResolver({ config, env: {}, baseDir: directory, clock });
    expect(() => resolver.resolve(undefined)).toThrow(howToConfigureModel);
    expect(howToConfigureModel).toContain('NOVA_MODEL=scripted:examples/hello.json');
  });

  it('uses NOVA_MODEL over the config default and plays a script from the start for every resolve', async () => {
    const resolver = createModelResolver({
      config: { ...config, default: 'openai:gpt-4o-mini' },
      env: { NOVA_MODEL: 'scripted:demo.json' },
      baseDir: directory,
      clock,
    });
    expect((await resolver.resolve(undefined).generate(ask())).text).toBe('one');
    expect((await resolver.resolve(undefined).generate(ask())).text).toBe('one');
  });

  it('names the missing key, the unknown provider and the broken script, never a secret', async () => {
    const resolver = createModelResolver({
      config,
      env: { ANTHROPIC_API_KEY: 'sk-ant-secret-value' },
      baseDir: directory,
      clock,
    });
    expect(() => resolver.resolve('openai:gpt-4o-mini')).toThrow(
      /set the environment variable OPENAI_API_KEY/,
    );
    expect(() => resolver.resolve('acme:model')).toThrow(
      /unknown model provider "acme".*models\.providers\.acme\.baseUrl/,
    );
    expect(() => resolver.resolve('scripted:bad.json')).toThrow(
      /bad\.json is invalid: responses\.0: Unrecognized key: "txt"/,
    );
    const check = await resolver.check('anthropic:claude-sonnet-4-5');
    expect(check.ok).toBe(true);
    expect(JSON.stringify(check)).not.toContain('sk-ant-secret-value');
    expect(await resolver.check('scripted:missing.json')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('cannot read model script'),
    });
  });

  it('talks to an OpenAI-compatible server over real HTTP, and checks it answers', async () => {
    const requests: Array<{ url: string; body: unknown }> = [];
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push({ url: request.url ?? '', body: body ? (JSON.parse(body) as unknown) : undefined });
        response.setHeader('Content-Type', 'application/json');
        if (request.url === '/v1/models') {
          response.end(JSON.stringify({ data: [{ id: 'local-model' }] }));
          return;
        }
        response.end(
          JSON.stringify({
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 1,
            model: 'local-model',
            choices: [
              {
                index: 0,
                finish_reason: 'tool_calls',
                message: {
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
              },
            ],
            usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const resolver = createModelResolver({
        config: { ...config, providers: { local: { baseUrl: `http://127.0.0.1:${port}/v1` } } },
        env: {},
        baseDir: directory,
        clock,
      });
      const response = await resolver.resolve('local:local-model').generate(ask());
      expect(response).toMatchObject({
        toolCalls: [{ name: 'notes_search', input: { query: 'invoices' } }],
        usage: { inputTokens: 11, outputTokens: 7 },
      });
      expect(requests[0]).toMatchObject({
        url: '/v1/chat/completions',
        body: { model: 'local-model', tools: [{ function: { name: 'notes_search' } }] },
      });
      expect(await resolver.check('local:local-model')).toMatchObject({ ok: true });
    } finally {
      server.close();
    }
    const down = createModelResolver({
      config: { ...config, providers: { local: { baseUrl: `http://127.0.0.1:${port}/v1` } } },
      env: {},
      baseDir: directory,
      clock,
    });
    expect((await down.check('local:local-model')).ok).toBe(false);
  });
});
