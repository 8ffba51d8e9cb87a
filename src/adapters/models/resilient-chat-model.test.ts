import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelRequest, ModelResponse } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { createScriptedChatModel } from './create-scripted-chat-model.ts';
import { FaultInjectingLanguageModel } from './fault-injecting-language-model.ts';
import type { ScriptedResponse } from './model-script.ts';
import { type ResilienceOptions, ResilientChatModel, type RetryNotice } from './resilient-chat-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const ask = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'be brief',
  messages: [{ role: 'user', content: 'hi' }],
  tools: [],
  ...overrides,
});

/** Records every wait instead of waiting. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => 1_700_000_000_000,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
    },
  };
}

function resilient(
  model: ChatModel,
  overrides: Partial<ResilienceOptions> = {},
): { model: ResilientChatModel; clock: Clock & { sleeps: number[] }; notices: RetryNotice[] } {
  const clock = recordingClock();
  const notices: RetryNotice[] = [];
  return {
    model: new ResilientChatModel(model, {
      retries: 2,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      timeoutMs: 5_000,
      clock,
      random: () => 1,
      onRetry: (notice) => notices.push(notice),
      ...overrides,
    }),
    clock,
    notices,
  };
}

const scripted = (responses: ScriptedResponse[], id = 'openai:gpt-4o-mini') =>
  createScriptedChatModel({ responses }, id);
const failure = (status: number, message = 'busy'): ScriptedResponse => ({ error: { status, message } });

async function modelError(promise: Promise<unknown>): Promise<NovaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!NovaError.is(error)) throw new Error(`expected a NovaError, got ${String(error)}`);
  return error;
}

describe('ResilientChatModel', () => {
  it('retries 429 and 5xx with exponential backoff through the clock, then answers', async () => {
    const primary = scripted([failure(503), failure(429), { text: 'third time lucky' }]);
    const { model, clock, notices } = resilient(primary);
    expect(await model.generate(ask())).toMatchObject({
      text: 'third time lucky',
      modelId: 'openai:gpt-4o-mini',
    });
    expect(primary.languageModel.calls).toHaveLength(3);
    expect(clock.sleeps).toEqual([100, 200]);
    expect(notices).toEqual([
      {
        modelId: 'openai:gpt-4o-mini',
        retry: 1,
        delayMs: 100,
        reason: '503 Service Unavailable: busy',
        status: 503,
      },
      {
        modelId: 'openai:gpt-4o-mini',
        retry: 2,
        delayMs: 200,
        reason: '429 Too Many Requests: busy',
        status: 429,
      },
    ]);
  });

  it('jitters each delay between half and all of the backoff, capped at the maximum', async () => {
    const low = resilient(scripted([failure(500), failure(500), failure(500), { text: 'ok' }]), {
      retries: 3,
      random: () => 0,
    });
    await low.model.generate(ask());
    expect(low.clock.sleeps).toEqual([50, 100, 200]);
    const capped = resilient(scripted([failure(500), failure(500), failure(500), { text: 'ok' }]), {
      retries: 3,
      baseDelayMs: 400,
      maxDelayMs: 1_000,
    });
    await capped.model.generate(ask());
    expect(capped.clock.sleeps).toEqual([400, 800, 1_000]);
  });

  it('waits as long as a Retry-After header asks, within the maximum', async () => {
    let calls = 0;
    const limited: ChatModel = {
      id: 'openai:gpt-4o-mini',
      generate: async (): Promise<ModelResponse> => {
        calls++;
        if (calls === 1) {
          throw new APICallError({
            message: 'Rate limit reached',
            url: 'https://example.invalid',
            requestBodyValues: {},
            statusCode: 429,
            responseHeaders: { 'retry-after': '0.7' },
          });
        }
        return {
          text: 'ok',
          toolCalls: [],
          finishReason: 'stop',
          usage: { inputTokens: 1, outputTokens: 1 },
          modelId: 'openai:gpt-4o-mini',
        };
      },
    };
    const { model, clock, notices } = resilient(limited);
    await model.generate(ask());
    expect(clock.sleeps).toEqual([700]);
    expect(notices[0]?.reason).toBe('429 Rate limit reached');
  });

  it('does not retry client errors (400, 401) and fails with MODEL_ERROR', async () => {
    for (const status of [400, 401]) {
      const primary = scripted([failure(status, 'no'), { text: 'never reached' }]);
      const { model, clock } = resilient(primary);
      const error = await modelError(model.generate(ask()));
      expect(error.code).toBe('MODEL_ERROR');
      expect(error.details).toEqual({ modelId: 'openai:gpt-4o-mini', attempts: 1, status });
      expect(primary.languageModel.calls).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    }
  });

  it('uses the fallback once the primary has failed, and says which model answered', async () => {
    const primary = scripted([failure(503), failure(503), failure(503)]);
    const fallback = scripted([{ text: 'from the fallback' }], 'ollama:llama3');
    const { model } = resilient(primary, { fallback });
    expect(await model.generate(ask())).toMatchObject({
      text: 'from the fallback',
      modelId: 'ollama:llama3',
    });
    expect(primary.languageModel.calls).toHaveLength(3);
  });

  it('gives up with a MODEL_ERROR that says what happened to each model', async () => {
    const primary = scripted([
      failure(503, 'overloaded'),
      failure(503, 'overloaded'),
      failure(503, 'overloaded'),
    ]);
    const fallback = scripted([failure(401, 'invalid key')], 'ollama:llama3');
    const { model } = resilient(primary, { fallback });
    const error = await modelError(model.generate(ask()));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toBe(
      'openai:gpt-4o-mini failed after 3 attempts: 503 Service Unavailable: overloaded; ' +
        'fallback ollama:llama3 failed after 1 attempt: 401 Unauthorized: invalid key',
    );
    expect(error.details).toEqual({
      modelId: 'openai:gpt-4o-mini',
      attempts: 3,
      status: 503,
      fallback: { modelId: 'ollama:llama3', attempts: 1, status: 401 },
    });
  });

  it('times a hanging call out and retries it', async () => {
    const language = new FaultInjectingLanguageModel(
      new ScriptedLanguageModel({ responses: [{ text: 'ok' }], loop: true }),
      { byCall: { 0: { kind: 'timeout' } } },
    );
    const { model, notices } = resilient(new AiSdkChatModel('ollama:llama3', language), { timeoutMs: 50 });
    expect((await model.generate(ask())).text).toBe('ok');
    expect(language.fired).toEqual([{ call: 0, fault: { kind: 'timeout' } }]);
    expect(notices[0]?.reason).toBe('no answer within 50 ms');
  });

  it('holds the timeout even when a model ignores its abort signal', async () => {
    const deaf: ChatModel = { id: 'local:deaf', generate: () => new Promise<never>(() => undefined) };
    const { model } = resilient(deaf, { retries: 1, timeoutMs: 30 });
    const error = await modelError(model.generate(ask()));
    expect(error.message).toBe('local:deaf failed after 2 attempts: no answer within 30 ms');
  });

  it("treats the caller's abort as a cancellation, never retried", async () => {
    const language = new FaultInjectingLanguageModel(
      new ScriptedLanguageModel({ responses: [{ text: 'x' }], loop: true }),
      { byCall: { 0: { kind: 'timeout' } } },
    );
    const { model, clock } = resilient(new AiSdkChatModel('ollama:llama3', language), { retries: 3 });
    const controller = new AbortController();
    const pending = model.generate(ask({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 10);
    const error = await modelError(pending);
    expect(error.code).toBe('CANCELLED');
    expect(language.fired).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);

    const already = await modelError(model.generate(ask({ signal: AbortSignal.abort() })));
    expect(already.code).toBe('CANCELLED');
  });

  it('is cancelled, not retried, when the caller aborts during the backoff wait', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) => {
        controller.abort();
        return Promise.reject(signal?.reason as Error);
      },
    };
    const primary = scripted([failure(503), { text: 'too late' }]);
    const { model } = resilient(primary, { clock });
    const error = await modelError(model.generate(ask({ signal: controller.signal })));
    expect(error.code).toBe('CANCELLED');
    expect(primary.languageModel.calls).toHaveLength(1);
  });

  it('does not retry once text has streamed to the caller, nor hand over to the fallback', async () => {
    const streamedThenFailed: ChatModel = {
      id: 'openai:gpt-4o-mini',
      generate: async (request) => {
        request.onTextDelta?.('Hello, ');
        throw new APICallError({
          message: 'connection reset',
          url: 'x',
          requestBodyValues: {},
          statusCode: 502,
        });
      },
    };
    const fallback = scripted([{ text: 'fallback' }], 'ollama:llama3');
    const { model, clock } = resilient(streamedThenFailed, { fallback });
    const deltas: string[] = [];
    const error = await modelError(model.generate(ask({ onTextDelta: (delta) => deltas.push(delta) })));
    expect(deltas).toEqual(['Hello, ']);
    expect(error.message).toContain('part of the answer had already streamed');
    expect(clock.sleeps).toEqual([]);
    expect(fallback.languageModel.calls).toHaveLength(0);
  });

  it('never repeats a secret a provider echoed in its error', async () => {
    const primary = scripted([failure(401, 'Incorrect API key provided: sk-live-1234567890')]);
    const { model } = resilient(primary, { secrets: ['sk-live-1234567890'] });
    const error = await modelError(model.generate(ask()));
    expect(error.message).not.toContain('sk-live-1234567890');
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
  });
});
