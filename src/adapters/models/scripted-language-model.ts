import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { type ModelScript, parseScript, type ScriptedResponse } from './model-script.ts';

/** Computes each turn instead of listing them: for benchmarks that play thousands of turns. */
export type ScriptedResponder = (callIndex: number, options: LanguageModelV3CallOptions) => ScriptedResponse;

export type ScriptSource = ModelScript | ScriptedResponder;

const statusTexts: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** About four characters a token: rough, but enough for token budgets to behave. */
function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageOf(
  response: ScriptedResponse,
  prompt: LanguageModelV3Prompt,
  content: readonly LanguageModelV3Content[],
): LanguageModelV3Usage {
  const input = response.usage?.inputTokens ?? roughTokens(JSON.stringify(prompt));
  const output =
    response.usage?.outputTokens ??
    roughTokens(
      content
        .map((part) =>
          part.type === 'text' ? part.text : part.type === 'tool-call' ? part.toolName + part.input : '',
        )
        .join(''),
    );
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      if (signal) reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Splits text into up to four pieces, so streaming consumers see it arrive in parts. */
function textPieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 4));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

function promptText(message: LanguageModelV3Prompt[number] | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The case of a script that matches this run (by agent and task text), or its main responses. */
function pickCase(
  script: ReturnType<typeof parseScript>,
  prompt: LanguageModelV3Prompt,
): { responses: ScriptedResponse[]; loop: boolean; label: string } {
  const system = promptText(prompt.find((message) => message.role === 'system'));
  const task = promptText(prompt.find((message) => message.role === 'user'));
  for (const [index, candidate] of script.cases.entries()) {
    const { agent, contains } = candidate.when;
    if (agent !== undefined && !system.includes(`Nova agent "${agent}"`)) continue;
    if (contains !== undefined && !task.includes(contains)) continue;
    return { responses: candidate.responses, loop: candidate.loop, label: ` (cases[${index}])` };
  }
  return { responses: script.responses, loop: script.loop, label: '' };
}

/**
 * A deterministic `LanguageModelV3` for demos, tests and benchmarks: plays scripted responses
 * (text, tool calls, raw argument text, HTTP errors, delays) in order and records every call.
 * A listed script fails loudly when it runs out, unless it loops.
 */
export class ScriptedLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  /** The prompt of every call, in order (system, user, assistant and tool messages). */
  readonly calls: LanguageModelV3Prompt[] = [];
  /** The full options of every call (prompt, tools, tool choice, signal), in order. */
  readonly callOptions: LanguageModelV3CallOptions[] = [];
  readonly #responder: ScriptedResponder;

  /** @param modelId names the script in messages, e.g. its file path. */
  constructor(source: ScriptSource, modelId = 'script') {
    this.modelId = modelId;
    if (typeof source === 'function') {
      this.#responder = source;
    } else {
      const script = parseScript(source, modelId);
      // A player is made per run. Its first call may come in a conversation that already has
      // answers (a run resumed after a crash): it starts at the response after them.
      let offset: number | undefined;
      this.#responder = (playerCall, options) => {
        const { responses, loop, label } = pickCase(script, options.prompt);
        offset ??= options.prompt.filter((message) => message.role === 'assistant').length;
        const callIndex = offset + playerCall;
        const response = loop ? responses[callIndex % responses.length] : responses[callIndex];
        if (response) return response;
        throw new Error(
          `model script ${modelId}${label} has ${responses.length} response${responses.length === 1 ? '' : 's'} ` +
            `and call ${callIndex + 1} was made; add responses to the script or set "loop": true`,
        );
      };
    }
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { response, callNumber } = await this.#next(options);
    const content = this.#content(response, callNumber);
    return {
      content,
      finishReason: {
        unified: content.some((part) => part.type === 'tool-call') ? 'tool-calls' : 'stop',
        raw: undefined,
      },
      usage: usageOf(response, options.prompt, content),
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
        for (const delta of textPieces(part.text)) parts.push({ type: 'text-delta', id, delta });
        parts.push({ type: 'text-end', id });
      } else if (part.type === 'tool-call') {
        // As providers do: the arguments stream in, then the complete call.
        parts.push({ type: 'tool-input-start', id: part.toolCallId, toolName: part.toolName });
        parts.push({ type: 'tool-input-delta', id: part.toolCallId, delta: part.input });
        parts.push({ type: 'tool-input-end', id: part.toolCallId });
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

  async #next(
    options: LanguageModelV3CallOptions,
  ): Promise<{ response: ScriptedResponse; callNumber: number }> {
    const callIndex = this.calls.length;
    this.calls.push(options.prompt);
    this.callOptions.push(options);
    const signal = options.abortSignal;
    if (signal?.aborted) throw abortReason(signal);
    const response = this.#responder(callIndex, options);
    if (response.delayMs) await sleep(response.delayMs, signal);
    if (response.error) {
      const { status, message } = response.error;
      throw new APICallError({
        message: `${status} ${statusTexts[status] ?? 'Error'}: ${message}`,
        url: `scripted://${this.modelId}`,
        requestBodyValues: { prompt: options.prompt },
        statusCode: status,
        responseBody: JSON.stringify({ error: { message } }),
      });
    }
    return { response, callNumber: callIndex + 1 };
  }

  #content(response: ScriptedResponse, callNumber: number): LanguageModelV3Content[] {
    const content: LanguageModelV3Content[] = [];
    if (response.text) content.push({ type: 'text', text: response.text });
    for (const [index, call] of (response.toolCalls ?? []).entries()) {
      content.push({
        type: 'tool-call',
        // Stable ids, so journals and assertions do not change between runs.
        toolCallId: `call_${callNumber}_${index + 1}`,
        toolName: call.name,
        input: call.argsText ?? JSON.stringify(call.args ?? {}),
      });
    }
    return content;
  }
}
