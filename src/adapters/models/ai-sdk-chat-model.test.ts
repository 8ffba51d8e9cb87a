import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { ModelMessage, ModelRequest } from '../../ports/chat-model.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const tools = [
  {
    name: 'notes_search',
    description: 'Searches the notes',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
];
const ask = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'be brief',
  messages: [{ role: 'user', content: 'hi' }],
  tools,
  ...overrides,
});

const usage = (input: number, output: number): LanguageModelV3Usage => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

function streamOf(parts: LanguageModelV3StreamPart[]): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

describe('AiSdkChatModel', () => {
  it('sends system, tools and a multi-turn conversation with tool results in the provider shape', async () => {
    // The conversation already has one answer, so the script plays its second response.
    const language = new ScriptedLanguageModel({ responses: [{ text: 'unused' }, { text: 'the answer' }] });
    const model = new AiSdkChatModel('scripted:test', language);
    const messages: ModelMessage[] = [
      { role: 'user', content: 'find the welcome note' },
      {
        role: 'assistant',
        text: 'searching',
        toolCalls: [
          { id: 'call_a', name: 'notes_search', input: { query: 'welcome' } },
          { id: 'call_b', name: 'notes_search', input: '{"query": "wel', parseError: 'Unterminated string' },
        ],
      },
      {
        role: 'tool',
        results: [
          { toolCallId: 'call_a', toolName: 'notes_search', output: 'Welcome to Nova', isError: false },
          { toolCallId: 'call_b', toolName: 'notes_search', output: 'Error: not JSON', isError: true },
        ],
      },
    ];
    const response = await model.generate(ask({ messages }));
    expect(response).toMatchObject({ text: 'the answer', finishReason: 'stop', modelId: 'scripted:test' });
    expect(language.calls[0]).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'find the welcome note' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'searching' },
          { type: 'tool-call', toolCallId: 'call_a', toolName: 'notes_search', input: { query: 'welcome' } },
          // Providers need an object; the tool error tells the model what was wrong.
          { type: 'tool-call', toolCallId: 'call_b', toolName: 'notes_search', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_a',
            toolName: 'notes_search',
            output: { type: 'text', value: 'Welcome to Nova' },
          },
          {
            type: 'tool-result',
            toolCallId: 'call_b',
            toolName: 'notes_search',
            output: { type: 'error-text', value: 'Error: not JSON' },
          },
        ],
      },
    ]);
    expect(language.callOptions[0]).toMatchObject({
      tools: [
        {
          type: 'function',
          name: 'notes_search',
          description: 'Searches the notes',
          inputSchema: tools[0]?.inputSchema,
        },
      ],
      toolChoice: { type: 'auto' },
    });
  });

  it('returns tool calls with parsed arguments; arguments that are not a JSON object become a parse error with the raw text', async () => {
    const model = new AiSdkChatModel(
      'scripted:test',
      new ScriptedLanguageModel({
        responses: [
          {
            toolCalls: [
              { name: 'notes_search', args: { query: 'welcome' } },
              { name: 'notes_search', argsText: '{"query": "wel' },
              { name: 'notes_search', argsText: '["welcome"]' },
              { name: 'notes_list', argsText: '' },
            ],
          },
        ],
        loop: true,
      }),
    );
    for (const streaming of [false, true]) {
      const response = await model.generate(ask(streaming ? { onTextDelta: () => undefined } : {}));
      expect(response.finishReason).toBe('tool-calls');
      expect(response.toolCalls).toEqual([
        { id: expect.any(String), name: 'notes_search', input: { query: 'welcome' } },
        {
          id: expect.any(String),
          name: 'notes_search',
          input: '{"query": "wel',
          parseError: expect.any(String),
        },
        {
          id: expect.any(String),
          name: 'notes_search',
          input: '["welcome"]',
          parseError: 'the arguments must be a JSON object, not an array',
        },
        { id: expect.any(String), name: 'notes_list', input: {} },
      ]);
    }
  });

  it('streams text deltas to onTextDelta and returns the whole text', async () => {
    const text = 'a longer answer that arrives in several pieces when streamed';
    const model = new AiSdkChatModel('scripted:test', new ScriptedLanguageModel({ responses: [{ text }] }));
    const deltas: string[] = [];
    const response = await model.generate(ask({ onTextDelta: (delta) => deltas.push(delta) }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    expect(response.text).toBe(text);
  });

  it('maps the provider usage and finish reason, generating or streaming', async () => {
    const language = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'cut off' }],
        finishReason: { unified: 'length', raw: 'max_tokens' },
        usage: usage(120, 4_096),
        warnings: [],
      }),
      doStream: async () => ({
        stream: streamOf([
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'blocked' },
          { type: 'text-end', id: 't' },
          {
            type: 'finish',
            finishReason: { unified: 'content-filter', raw: 'content_filter' },
            usage: usage(10, 1),
          },
        ]),
      }),
    });
    const model = new AiSdkChatModel('mock:model', language);
    expect(await model.generate(ask())).toMatchObject({
      text: 'cut off',
      finishReason: 'length',
      usage: { inputTokens: 120, outputTokens: 4_096 },
    });
    expect(await model.generate(ask({ onTextDelta: () => undefined }))).toMatchObject({
      text: 'blocked',
      finishReason: 'content-filter',
      usage: { inputTokens: 10, outputTokens: 1 },
    });
  });

  it('counts missing usage as zero and leaves provider-executed tool calls to the provider', async () => {
    const language = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [
          {
            type: 'tool-call',
            toolCallId: 'ws',
            toolName: 'web_search',
            input: '{}',
            providerExecuted: true,
          },
          { type: 'text', text: 'found it' },
        ],
        finishReason: { unified: 'stop', raw: undefined },
        usage: {
          inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: undefined, text: undefined, reasoning: undefined },
        },
        warnings: [],
      }),
    });
    const response = await new AiSdkChatModel('mock:model', language).generate(ask());
    expect(response).toMatchObject({
      text: 'found it',
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it('passes the abort signal to the provider and throws a stream error part', async () => {
    const controller = new AbortController();
    const language = new MockLanguageModelV3({
      doStream: async () => ({
        stream: streamOf([
          { type: 'stream-start', warnings: [] },
          { type: 'error', error: new Error('the server closed the stream') },
        ]),
      }),
    });
    const model = new AiSdkChatModel('mock:model', language);
    await expect(
      model.generate(ask({ signal: controller.signal, onTextDelta: () => undefined })),
    ).rejects.toThrow('the server closed the stream');
    expect(language.doStreamCalls[0]?.abortSignal).toBe(controller.signal);
  });

  it('sends no tools or tool choice when the agent has none, and no empty system message', async () => {
    const language = new ScriptedLanguageModel({ responses: [{ text: 'ok' }] });
    await new AiSdkChatModel('scripted:test', language).generate(ask({ tools: [], system: '' }));
    expect(language.callOptions[0]?.tools).toBeUndefined();
    expect(language.callOptions[0]?.toolChoice).toBeUndefined();
    expect(language.calls[0]?.map((message) => message.role)).toEqual(['user']);
  });
});
