import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelsConfig } from '../../config/nova-config.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { ModelMessage, ModelRequest } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';
import { createModelResolver, howToConfigureModel, type ModelResolverOptions } from './model-resolver.ts';
import type { RetryNotice } from './resilient-chat-model.ts';

async function failureOf(promise: Promise<unknown>): Promise<NovaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!NovaError.is(error)) throw new Error(`expected a NovaError, got ${String(error)}`);
  return error;
}

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
const config: ModelsConfig = {
  retries: 2,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 1,
  timeoutMs: 5_000,
  providers: {},
};
const tools = [
  {
    name: 'notes_search',
    description: 'search',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
  },
];
const ask = (messages: ModelMessage[] = [{ role: 'user', content: 'hi' }]): ModelRequest => ({
  system: 'be brief',
  messages,
  tools,
});

function resolver(overrides: Partial<ModelResolverOptions> = {}) {
  return createModelResolver({ config, env: {}, baseDir: repoRoot, clock, ...overrides });
}

function thrown(action: () => unknown): NovaError {
  try {
    action();
  } catch (error) {
    if (NovaError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a NovaError');
}

describe('createModelResolver', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-resolver-'));
    fs.writeFileSync(
      path.join(directory, 'demo.json'),
      JSON.stringify({ responses: [{ text: 'one' }, { text: 'two' }] }),
    );
    fs.writeFileSync(path.join(directory, 'other.json'), JSON.stringify({ responses: [{ text: 'other' }] }));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('says exactly how to configure a model when none is', () => {
    const error = thrown(() => resolver().resolve(undefined));
    expect(error.code).toBe('MODEL_NOT_CONFIGURED');
    expect(error.message).toBe(howToConfigureModel);
    expect(error.message).toContain('NOVA_MODEL=openai:gpt-4o-mini');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).toContain('NOVA_MODEL=scripted:examples/hello.json');
    expect(error.message).toContain('models.default in nova.config.json');
  });

  it('uses NOVA_MODEL over the config default, and the config default otherwise', async () => {
    const configured = { ...config, default: 'scripted:other.json' };
    const fromEnv = resolver({
      config: configured,
      env: { NOVA_MODEL: 'scripted:demo.json' },
      baseDir: directory,
    });
    expect(fromEnv.resolve(undefined).id).toBe('scripted:demo.json');
    expect((await fromEnv.resolve(undefined).generate(ask())).text).toBe('one');
    const fromConfig = resolver({ config: configured, env: { NOVA_MODEL: '' }, baseDir: directory });
    expect((await fromConfig.resolve(undefined).generate(ask())).text).toBe('other');
    expect((await fromConfig.resolve('scripted:demo.json').generate(ask())).text).toBe('one');
  });

  it('plays a script from its start for every resolve, reading the file once', async () => {
    const file = path.join(directory, 'once.json');
    fs.writeFileSync(file, JSON.stringify({ responses: [{ text: 'first' }, { text: 'second' }] }));
    const models = resolver({ baseDir: directory });
    const run = models.resolve('scripted:once.json');
    expect((await run.generate(ask())).text).toBe('first');
    expect((await run.generate(ask())).text).toBe('second');
    fs.rmSync(file);
    expect((await models.resolve('scripted:once.json').generate(ask())).text).toBe('first');
  });

  it('falls back to NOVA_FALLBACK_MODEL when the default fails', async () => {
    fs.writeFileSync(
      path.join(directory, 'down.json'),
      JSON.stringify({ responses: [{ error: { status: 503, message: 'down' } }], loop: true }),
    );
    const notices: RetryNotice[] = [];
    const models = resolver({
      config: { ...config, fallback: 'scripted:demo.json' },
      env: { NOVA_MODEL: 'scripted:down.json', NOVA_FALLBACK_MODEL: 'scripted:other.json' },
      baseDir: directory,
      onRetry: (notice) => notices.push(notice),
    });
    expect(await models.resolve(undefined).generate(ask())).toMatchObject({
      text: 'other',
      modelId: 'scripted:other.json',
    });
    expect(notices.map((notice) => notice.retry)).toEqual([1, 2]);
  });

  it('names the variable to set when an API key is missing, and never shows a key', () => {
    const error = thrown(() => resolver().resolve('openai:gpt-4o-mini'));
    expect(error.code).toBe('MODEL_NOT_CONFIGURED');
    expect(error.message).toBe(
      'openai:gpt-4o-mini needs an API key: set the environment variable OPENAI_API_KEY',
    );
    expect(thrown(() => resolver().resolve('google:gemini-2.5-flash')).message).toContain(
      'GOOGLE_GENERATIVE_AI_API_KEY',
    );
    const custom = resolver({
      config: { ...config, providers: { anthropic: { apiKeyEnv: 'WORK_ANTHROPIC_KEY' } } },
      env: { ANTHROPIC_API_KEY: 'sk-ant-not-this-one' },
    });
    const customError = thrown(() => custom.resolve('anthropic:claude-sonnet-4-5'));
    expect(customError.message).toContain('set the environment variable WORK_ANTHROPIC_KEY');
    expect(customError.message).not.toContain('sk-ant-not-this-one');
  });

  it('builds hosted models when their key is set, without contacting anyone', () => {
    const models = resolver({
      env: { OPENAI_API_KEY: 'sk-a', ANTHROPIC_API_KEY: 'sk-b', GOOGLE_GENERATIVE_AI_API_KEY: 'g-c' },
    });
    for (const id of ['openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5', 'google:gemini-2.5-flash']) {
      expect(models.resolve(id).id).toBe(id);
    }
  });

  it('refuses an unknown provider listing the known ones, and a malformed id', () => {
    const unknown = thrown(() => resolver().resolve('acme:model-1'));
    expect(unknown.code).toBe('CONFIG_INVALID');
    expect(unknown.message).toContain('unknown model provider "acme" in "acme:model-1"');
    expect(unknown.message).toContain(
      'Known providers: openai, anthropic, google, ollama, lmstudio, llamacpp, vllm, scripted',
    );
    expect(unknown.message).toContain('models.providers.acme.baseUrl');
    expect(thrown(() => resolver().resolve('gpt-4o')).code).toBe('CONFIG_INVALID');
    expect(thrown(() => resolver().resolve('scripted:no-such-file.json')).message).toContain(
      'cannot read model script',
    );
  });

  it('reports a fallback that cannot be built in the final error, not before', async () => {
    fs.writeFileSync(
      path.join(directory, 'broken.json'),
      JSON.stringify({ responses: [{ error: { status: 400, message: 'context too long' } }] }),
    );
    const models = resolver({
      env: { NOVA_FALLBACK_MODEL: 'anthropic:claude-sonnet-4-5' },
      baseDir: directory,
    });
    const model = models.resolve('scripted:broken.json');
    const error = await failureOf(model.generate(ask()));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toBe(
      'scripted:broken.json failed after 1 attempt: 400 Bad Request: context too long; ' +
        'fallback anthropic:claude-sonnet-4-5 failed after 1 attempt: ' +
        'anthropic:claude-sonnet-4-5 needs an API key: set the environment variable ANTHROPIC_API_KEY',
    );
  });

  it('checks scripts, keys and servers without throwing and without showing a key', async () => {
    const models = resolver({ env: { ANTHROPIC_API_KEY: 'sk-ant-secret-value' }, baseDir: directory });
    expect(await models.check('scripted:demo.json')).toEqual({
      ok: true,
      detail: `${path.join(directory, 'demo.json')} loads: 2 responses`,
    });
    expect(await models.check('scripted:missing.json')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('cannot read model script'),
    });
    const hosted = await models.check('anthropic:claude-sonnet-4-5');
    expect(hosted).toEqual({
      ok: true,
      detail: 'API key found in ANTHROPIC_API_KEY (the provider was not contacted)',
    });
    expect(await models.check('openai:gpt-4o-mini')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('OPENAI_API_KEY'),
    });
    expect(await models.check('acme:x')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('unknown'),
    });
    expect(await models.check('nonsense')).toMatchObject({ ok: false });
  });

  it('reports a local server that is not running', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const models = resolver({
      config: { ...config, providers: { ollama: { baseUrl: `http://127.0.0.1:${port}/v1` } } },
    });
    expect(await models.check('ollama:llama3.1')).toEqual({
      ok: false,
      detail: `cannot reach http://127.0.0.1:${port}/v1 (ECONNREFUSED); is the server running there?`,
    });
  });

  describe('the example scripts', () => {
    it('hello.json searches the notes, then answers as a scripted demo, from the start every run', async () => {
      const models = resolver({ env: { NOVA_MODEL: 'scripted:examples/hello.json' } });
      for (let run = 0; run < 2; run++) {
        const model = models.resolve(undefined);
        const first = await model.generate(ask());
        expect(first.toolCalls).toEqual([
          { id: expect.any(String), name: 'notes_search', input: { query: 'welcome' } },
        ]);
        const second = await model.generate(
          ask([
            { role: 'user', content: 'hi' },
            { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
            {
              role: 'tool',
              results: [
                {
                  toolCallId: first.toolCalls[0]!.id,
                  toolName: 'notes_search',
                  output: 'no notes',
                  isError: false,
                },
              ],
            },
          ]),
        );
        expect(second.toolCalls).toEqual([]);
        expect(second.text).toMatch(/scripted demo/i);
      }
    });

    it('tool-error.json sends a malformed call, then a corrected one, then an answer', async () => {
      const model = resolver().resolve('scripted:examples/tool-error.json');
      const broken = await model.generate(ask());
      expect(broken.toolCalls[0]?.parseError).toBeDefined();
      const fixed = await model.generate(ask());
      expect(fixed.toolCalls[0]).toMatchObject({ name: 'notes_search', input: { query: 'welcome' } });
      expect(fixed.toolCalls[0]?.parseError).toBeUndefined();
      const answer = await model.generate(ask());
      expect(answer.toolCalls).toEqual([]);
      expect(answer.text).not.toBe('');
    });

    it('flaky.json fails with 503 once; the retry answers', async () => {
      const notices: RetryNotice[] = [];
      const model = resolver({ onRetry: (notice) => notices.push(notice) }).resolve(
        'scripted:examples/flaky.json',
      );
      const response = await model.generate(ask());
      expect(response.text).toMatch(/retr/i);
      expect(notices).toMatchObject([{ retry: 1, status: 503 }]);
    });
  });
});
