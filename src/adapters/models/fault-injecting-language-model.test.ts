import {
  APICallError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { FaultInjectingLanguageModel, type FaultPlan } from './fault-injecting-language-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const options = (signal?: AbortSignal): LanguageModelV3CallOptions => ({
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  ...(signal ? { abortSignal: signal } : {}),
});

function faulty(plan: FaultPlan): FaultInjectingLanguageModel {
  const inner = new ScriptedLanguageModel({
    responses: [{ text: 'fine', toolCalls: [{ name: 'notes_search', args: { query: 'q' } }] }],
    loop: true,
  });
  return new FaultInjectingLanguageModel(inner, plan);
}

async function readAll(
  stream: ReadableStream<LanguageModelV3StreamPart>,
): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('FaultInjectingLanguageModel', () => {
  it('passes calls without a planned fault through untouched', async () => {
    const model = faulty({ byCall: { 1: { kind: 'empty' } } });
    const result = await model.doGenerate(options());
    expect(result.content).toHaveLength(2);
    expect(model.fired).toEqual([]);
  });

  it('answers 429 and 5xx as retryable provider errors, 400 as not retryable', async () => {
    const model = faulty({
      byCall: {
        0: { kind: 'http', status: 429 },
        1: { kind: 'http', status: 503 },
        2: { kind: 'http', status: 400 },
      },
    });
    const errors: unknown[] = [];
    for (let call = 0; call < 3; call++)
      errors.push(await model.doGenerate(options()).catch((error: unknown) => error));
    expect(errors.every((error) => APICallError.isInstance(error))).toBe(true);
    expect(
      errors.map((error) => [(error as APICallError).statusCode, (error as APICallError).isRetryable]),
    ).toEqual([
      [429, true],
      [503, true],
      [400, false],
    ]);
    expect((await model.doGenerate(options())).content).toHaveLength(2);
    expect(model.fired.map((fired) => fired.call)).toEqual([0, 1, 2]);
  });

  it('hangs on a timeout fault until the call is aborted', async () => {
    const model = faulty({ byCall: { 0: { kind: 'timeout' } } });
    const controller = new AbortController();
    let settled = false;
    const pending = model.doGenerate(options(controller.signal)).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    controller.abort(new Error('gave up waiting'));
    await expect(pending).rejects.toThrow('gave up waiting');
    expect(model.fired).toEqual([{ call: 0, fault: { kind: 'timeout' } }]);
  });

  it('breaks tool-call arguments and empties replies, generating or streaming', async () => {
    const model = faulty({
      byCall: {
        0: { kind: 'malformed-tool-call' },
        1: { kind: 'empty' },
        2: { kind: 'malformed-tool-call' },
        3: { kind: 'empty' },
      },
    });
    const malformed = await model.doGenerate(options());
    const input = malformed.content.find((part) => part.type === 'tool-call')?.input ?? '';
    expect(() => JSON.parse(input) as unknown).toThrow();
    const empty = await model.doGenerate(options());
    expect(empty.content).toEqual([]);
    expect(empty.finishReason.unified).toBe('stop');

    const streamedMalformed = await readAll((await model.doStream(options())).stream);
    const streamedInput = streamedMalformed.find((part) => part.type === 'tool-call');
    expect(
      () => JSON.parse(streamedInput?.type === 'tool-call' ? streamedInput.input : '{}') as unknown,
    ).toThrow();
    const streamedEmpty = await readAll((await model.doStream(options())).stream);
    expect(streamedEmpty.map((part) => part.type)).toEqual(['stream-start', 'finish']);
    expect(model.fired.map((fired) => fired.fault.kind)).toEqual([
      'malformed-tool-call',
      'empty',
      'malformed-tool-call',
      'empty',
    ]);
  });

  it('fails calls by seeded chance: the same seed fails the same calls, another seed others', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const model = faulty({
        probability: 0.3,
        faults: [{ kind: 'http', status: 500 }, { kind: 'empty' }],
        seed,
      });
      for (let call = 0; call < 50; call++) await model.doGenerate(options()).catch(() => undefined);
      return model.fired.map((fired) => fired.call);
    };
    const first = await run(7);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(30);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('refuses a probability outside 0..1', () => {
    expect(() => faulty({ probability: 1.5, faults: [{ kind: 'empty' }] })).toThrow(/between 0 and 1/);
  });
});
