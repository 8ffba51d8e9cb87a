import {
  APICallError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const options = (text = 'hi', signal?: AbortSignal): LanguageModelV3CallOptions => ({
  prompt: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text }] },
  ],
  ...(signal ? { abortSignal: signal } : {}),
});

async function readAll(
  stream: ReadableStream<LanguageModelV3StreamPart>,
): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('ScriptedLanguageModel', () => {
  it('plays text and tool calls in order and records the prompt of every call', async () => {
    const model = new ScriptedLanguageModel({
      responses: [
        { text: 'looking', toolCalls: [{ name: 'notes_search', args: { query: 'welcome' } }] },
        { text: 'done' },
      ],
    });
    const first = await model.doGenerate(options('first'));
    expect(first.content).toEqual([
      { type: 'text', text: 'looking' },
      { type: 'tool-call', toolCallId: 'call_1_1', toolName: 'notes_search', input: '{"query":"welcome"}' },
    ]);
    expect(first.finishReason.unified).toBe('tool-calls');
    const second = await model.doGenerate(options('second'));
    expect(second.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(second.finishReason.unified).toBe('stop');
    expect(model.calls).toEqual([options('first').prompt, options('second').prompt]);
    expect(model.callOptions).toHaveLength(2);
  });

  it('sends raw argument text as is, so a script can send malformed JSON', async () => {
    const model = new ScriptedLanguageModel({
      responses: [{ toolCalls: [{ name: 'notes_search', argsText: '{"query": "wel' }] }],
    });
    const result = await model.doGenerate(options());
    expect(result.content).toEqual([expect.objectContaining({ type: 'tool-call', input: '{"query": "wel' })]);
  });

  it('fails with an APICallError carrying the scripted status, retryable as a provider error would be', async () => {
    const model = new ScriptedLanguageModel({
      responses: [
        { error: { status: 503, message: 'overloaded' } },
        { error: { status: 400, message: 'bad tool schema' } },
      ],
    });
    const busy = await model.doGenerate(options()).catch((error: unknown) => error);
    expect(APICallError.isInstance(busy)).toBe(true);
    expect(busy).toMatchObject({
      statusCode: 503,
      isRetryable: true,
      message: '503 Service Unavailable: overloaded',
    });
    const bad = await model.doGenerate(options()).catch((error: unknown) => error);
    expect(bad).toMatchObject({ statusCode: 400, isRetryable: false });
  });

  it('waits out a delay, and stops waiting when the call is aborted', async () => {
    const model = new ScriptedLanguageModel({ responses: [{ delayMs: 40, text: 'late' }], loop: true });
    const started = Date.now();
    await model.doGenerate(options());
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);

    const slow = new ScriptedLanguageModel({ responses: [{ delayMs: 60_000, text: 'never' }] });
    const controller = new AbortController();
    const pending = slow.doGenerate(options('hi', controller.signal));
    controller.abort(new Error('stopped by the test'));
    await expect(pending).rejects.toThrow('stopped by the test');
    await expect(slow.doGenerate(options('hi', AbortSignal.abort()))).rejects.toThrow(/abort/i);
  });

  it('says which script ran out, how many responses it has and which call was made', async () => {
    const model = new ScriptedLanguageModel(
      { responses: [{ text: 'one' }, { text: 'two' }] },
      'examples/demo.json',
    );
    await model.doGenerate(options());
    await model.doGenerate(options());
    await expect(model.doGenerate(options())).rejects.toThrow(
      'model script examples/demo.json has 2 responses and call 3 was made; add responses to the script or set "loop": true',
    );
  });

  it('starts again at the first response when the script loops', async () => {
    const model = new ScriptedLanguageModel({ responses: [{ text: 'a' }, { text: 'b' }], loop: true });
    const texts: unknown[] = [];
    for (let call = 0; call < 5; call++) texts.push((await model.doGenerate(options())).content[0]);
    expect(texts.map((part) => (part as { text: string }).text)).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  it('takes a function for generated scripts, called with the call index and options', async () => {
    const model = new ScriptedLanguageModel((callIndex, callOptions) => ({
      text: `turn ${callIndex} saw ${callOptions.prompt.length} messages`,
    }));
    for (let call = 0; call < 1_000; call++) await model.doGenerate(options());
    const last = await model.doGenerate(options());
    expect(last.content).toEqual([{ type: 'text', text: 'turn 1000 saw 2 messages' }]);
  });

  it('estimates usage from sizes unless the script states it', async () => {
    const model = new ScriptedLanguageModel({
      responses: [
        { text: 'short' },
        { text: 'short' },
        { text: 'x', usage: { inputTokens: 7, outputTokens: 3 } },
      ],
    });
    const small = await model.doGenerate(options('hi'));
    const large = await model.doGenerate(options('word '.repeat(400)));
    expect(small.usage.inputTokens.total).toBeGreaterThan(0);
    expect(large.usage.inputTokens.total).toBeGreaterThan(400);
    expect(small.usage.outputTokens.total).toBe(2);
    const stated = await model.doGenerate(options());
    expect(stated.usage).toMatchObject({ inputTokens: { total: 7 }, outputTokens: { total: 3 } });
  });

  it('streams text in a few deltas, then tool calls and the finish', async () => {
    const model = new ScriptedLanguageModel({
      responses: [
        {
          text: 'an answer long enough to arrive in pieces',
          toolCalls: [{ name: 'notes_search', args: { query: 'q' } }],
          usage: { inputTokens: 5, outputTokens: 9 },
        },
      ],
    });
    const parts = await readAll((await model.doStream(options())).stream);
    const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.length).toBeLessThanOrEqual(4);
    expect(deltas.join('')).toBe('an answer long enough to arrive in pieces');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_1_1', toolName: 'notes_search', input: '{"query":"q"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'tool-calls' },
      usage: { inputTokens: { total: 5 }, outputTokens: { total: 9 } },
    });
  });

  it('refuses an invalid script given as a value with CONFIG_INVALID', () => {
    const invalid = { responses: [{ toolCalls: [{ name: '' }] }] };
    expect(() => new ScriptedLanguageModel(invalid, 'inline')).toThrow(NovaError);
    expect(() => new ScriptedLanguageModel(invalid, 'inline')).toThrow(
      /model script inline is invalid: responses\[0\]\.toolCalls\[0\]\.name: /,
    );
  });
});

describe('ScriptedLanguageModel cases and resumed conversations', () => {
  const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });
  const system = (agent: string) => ({
    role: 'system' as const,
    content: `You are the Nova agent "${agent}" (X).`,
  });
  const answer = { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'earlier' }] };
  const call = (model: ScriptedLanguageModel, prompt: LanguageModelV3Prompt) =>
    model
      .doGenerate({ prompt })
      .then((result) => result.content.map((part) => (part.type === 'text' ? part.text : '')).join(''));

  it('plays the case matching the agent or the task text, else the main responses', async () => {
    const script = {
      responses: [{ text: 'main' }],
      cases: [
        { when: { agent: 'writer' }, responses: [{ text: 'writer 1' }, { text: 'writer 2' }] },
        { when: { contains: 'outline' }, responses: [{ text: 'outline' }] },
      ],
    };
    expect(await call(new ScriptedLanguageModel(script), [system('writer'), user('draft it')])).toBe(
      'writer 1',
    );
    expect(await call(new ScriptedLanguageModel(script), [system('researcher'), user('an outline')])).toBe(
      'outline',
    );
    expect(await call(new ScriptedLanguageModel(script), [system('researcher'), user('hello')])).toBe('main');
  });

  it('starts after the answers a conversation already has, as a resumed run needs', async () => {
    const model = new ScriptedLanguageModel({
      responses: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
    });
    expect(await call(model, [user('go'), answer, user('more')])).toBe('two');
    expect(await call(model, [user('go'), answer, user('more'), answer, user('more')])).toBe('three');
  });
});
