import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type {
  ChatModel,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelToolCall,
  ModelToolSpec,
} from '../../ports/chat-model.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One of Nova's messages in the provider prompt shape (the form `generateText` builds internally). */
function toPromptMessage(message: ModelMessage): LanguageModelV3Message {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: [{ type: 'text', text: message.content }] };
    case 'assistant':
      return {
        role: 'assistant',
        content: [
          ...(message.text ? [{ type: 'text' as const, text: message.text }] : []),
          ...message.toolCalls.map((call) => ({
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.name,
            // Providers require an object here (Anthropic refuses anything else); like the AI SDK,
            // a call whose arguments did not parse is replayed with `{}`; the tool error says why.
            input: call.parseError === undefined && isPlainObject(call.input) ? call.input : {},
          })),
        ],
      };
    case 'tool':
      return {
        role: 'tool',
        content: message.results.map((result) => ({
          type: 'tool-result' as const,
          toolCallId: result.toolCallId,
          toolName: result.toolName,
          output: result.isError
            ? { type: 'error-text' as const, value: result.output }
            : { type: 'text' as const, value: result.output },
        })),
      };
  }
}

/** Parses tool arguments; text that is not a JSON object becomes a parse error the runtime returns. */
function toToolCall(part: { toolCallId: string; toolName: string; input: string }): ModelToolCall {
  const call = { id: part.toolCallId, name: part.toolName };
  // Some servers send no arguments at all for a tool without parameters.
  const text = part.input.trim() === '' ? '{}' : part.input;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ...call, input: part.input, parseError: (error as Error).message };
  }
  if (!isPlainObject(input)) {
    const kind = Array.isArray(input) ? 'an array' : input === null ? 'null' : `a ${typeof input}`;
    return { ...call, input: part.input, parseError: `the arguments must be a JSON object, not ${kind}` };
  }
  return { ...call, input };
}

function toUsage(usage: LanguageModelV3Usage): ModelResponse['usage'] {
  return { inputTokens: usage.inputTokens.total ?? 0, outputTokens: usage.outputTokens.total ?? 0 };
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * One model turn over any AI SDK language model (OpenAI, Anthropic, Google, OpenAI-compatible
 * servers, scripted). Nova owns the loop, so this calls the provider specification
 * (`doGenerate`, or `doStream` when the caller wants text deltas) once, with the tools declared
 * and nothing executed, and without the SDK's retries (ResilientChatModel does those).
 * It does not go through `generateText`/`streamText`: those re-validate and re-convert the whole
 * conversation on every call, which made a turn cost grow with run length (decision 0002); here
 * each message object is converted once.
 */
export class AiSdkChatModel implements ChatModel {
  readonly id: string;
  readonly #model: LanguageModelV3;
  // The runtime only appends to its conversation, so a message object converts once.
  readonly #messages = new WeakMap<ModelMessage, LanguageModelV3Message>();
  readonly #tools = new WeakMap<ModelToolSpec, LanguageModelV3FunctionTool>();

  constructor(id: string, model: LanguageModelV3) {
    this.id = id;
    this.#model = model;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const options = this.#callOptions(request);
    if (!request.onTextDelta) {
      const result = await this.#model.doGenerate(options);
      return this.#response(result.content, result.finishReason.unified, toUsage(result.usage));
    }
    return this.#stream(options, request.onTextDelta, request.signal);
  }

  async #stream(
    options: LanguageModelV3CallOptions,
    onTextDelta: (delta: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<ModelResponse> {
    const { stream } = await this.#model.doStream(options);
    const reader = stream.getReader();
    const content: LanguageModelV3Content[] = [];
    let text = '';
    let finishReason: ModelResponse['finishReason'] = 'other';
    let usage: ModelResponse['usage'] = { inputTokens: 0, outputTokens: 0 };
    try {
      for (;;) {
        const { done, value: part } = await reader.read();
        if (done) break;
        if (part.type === 'text-delta') {
          text += part.delta;
          onTextDelta(part.delta);
        } else if (part.type === 'tool-call') {
          content.push(part);
        } else if (part.type === 'finish') {
          finishReason = part.finishReason.unified;
          usage = toUsage(part.usage);
        } else if (part.type === 'error') {
          throw part.error instanceof Error ? part.error : new Error(String(part.error));
        }
      }
    } catch (error) {
      // Stop the provider's response body instead of leaving the connection open.
      await reader.cancel(error).catch(() => undefined);
      throw error;
    } finally {
      reader.releaseLock();
    }
    // A provider may end the stream quietly when aborted; the caller must still see the abort.
    if (signal?.aborted) throw abortReason(signal);
    if (text) content.unshift({ type: 'text', text });
    return this.#response(content, finishReason, usage);
  }

  #callOptions(request: ModelRequest): LanguageModelV3CallOptions {
    const prompt: LanguageModelV3Message[] = request.system
      ? [{ role: 'system', content: request.system }]
      : [];
    for (const message of request.messages) {
      let converted = this.#messages.get(message);
      if (!converted) {
        converted = toPromptMessage(message);
        this.#messages.set(message, converted);
      }
      prompt.push(converted);
    }
    const tools = request.tools.map((spec) => {
      let converted = this.#tools.get(spec);
      if (!converted) {
        converted = {
          type: 'function',
          name: spec.name,
          description: spec.description,
          inputSchema: spec.inputSchema,
        };
        this.#tools.set(spec, converted);
      }
      return converted;
    });
    return {
      prompt,
      ...(tools.length > 0 ? { tools, toolChoice: { type: 'auto' as const } } : {}),
      ...(request.signal ? { abortSignal: request.signal } : {}),
    };
  }

  #response(
    content: readonly LanguageModelV3Content[],
    finishReason: ModelResponse['finishReason'],
    usage: ModelResponse['usage'],
  ): ModelResponse {
    let text = '';
    const toolCalls: ModelToolCall[] = [];
    for (const part of content) {
      if (part.type === 'text') text += part.text;
      // Calls the provider executed itself (server-side tools) are not Nova's to run.
      else if (part.type === 'tool-call' && !part.providerExecuted) toolCalls.push(toToolCall(part));
    }
    return { text, toolCalls, finishReason, usage, modelId: this.id };
  }
}
