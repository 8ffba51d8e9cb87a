import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { ModelScript, ScriptedResponse } from './model-script.ts';

export type ScriptSource =
  ModelScript | ((callIndex: number, options: LanguageModelV3CallOptions) => ScriptedResponse);

const statusTexts: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageOf(
  response: ScriptedResponse,
  options: LanguageModelV3CallOptions,
  content: LanguageModelV3Content[],
): LanguageModelV3Usage {
  // Without a stated usage, estimate from sizes so token budgets behave as with a real model.
  const input = response.usage?.inputTokens ?? roughTokens(JSON.stringify(options.prompt));
  const output =
    response.usage?.outputTokens ??
    roughTokens(
      content
        .map((part) => (part.type === 'text' ? part.text : part.type === 'tool-call' ? part.input : ''))
        .join(''),
    );
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A deterministic model for demos, tests and benchmarks: plays scripted responses (text, tool
 * calls, errors, delays) in order and records every call it receives.
 */
export class ScriptedLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  /** The options of every call, in order. */
  readonly calls: LanguageModelV3CallOptions[] = [];
  readonly #source: ScriptSource;

  constructor(source: ScriptSource, modelId = 'script') {
    this.#source = source;
    this.modelId = modelId;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const response = await this.#next(options);
    const content = this.#content(response);
    return {
      content,
      finishReason: {
        unified: content.some((part) => part.type === 'tool-call') ? 'tool-calls' : 'stop',
        raw: undefined,
      },
      usage: usageOf(response, options, content),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const result = await this.doGenerate(options);
    const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
    for (const [index, part] of result.content.entries()) {
      if (part.type === 'text') {
        const id = `text-${index}`;
        parts.push({ type: 'text-start', id });
        // A few deltas, so streaming consumers see streaming.
        for (const piece of part.text.match(/[\s\S]{1,24}/g) ?? [])
          parts.push({ type: 'text-delta', id, delta: piece });
        parts.push({ type: 'text-end', id });
      } else if (part.type === 'tool-call') {
        parts.push(part);
      }
    }
    parts.push({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
    return {
      stream: new ReadableStream({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    };
  }

  async #next(options: LanguageModelV3CallOptions): Promise<ScriptedResponse> {
    const callIndex = this.calls.length;
    this.calls.push(options);
    const response = this.#pick(callIndex, options);
    if (response.delayMs) await sleep(response.delayMs, options.abortSignal);
    if (response.error) {
      throw new APICallError({
        message: `${response.error.status} ${statusTexts[response.error.status] ?? 'Error'}: ${response.error.message}`,
        url: `scripted://${this.modelId}`,
        requestBodyValues: {},
        statusCode: response.error.status,
        responseBody: JSON.stringify({ error: { message: response.error.message } }),
      });
    }
    return response;
  }

  #pick(callIndex: number, options: LanguageModelV3CallOptions): ScriptedResponse {
    if (typeof this.#source === 'function') return this.#source(callIndex, options);
    const { responses, loop } = this.#source;
    const response = loop ? responses[callIndex % responses.length] : responses[callIndex];
    if (!response) {
      throw new Error(
        `model script ${this.modelId} has ${responses.length} response(s) and call ${callIndex + 1} was made; add responses or set "loop": true`,
      );
    }
    return response;
  }

  #content(response: ScriptedResponse): LanguageModelV3Content[] {
    const content: LanguageModelV3Content[] = [];
    if (response.text) content.push({ type: 'text', text: response.text });
    for (const [index, call] of (response.toolCalls ?? []).entries()) {
      content.push({
        type: 'tool-call',
        toolCallId: `call_${this.calls.length}_${index + 1}`,
        toolName: call.name,
        input: call.argsText ?? JSON.stringify(call.args ?? {}),
      });
    }
    return content;
  }
}
