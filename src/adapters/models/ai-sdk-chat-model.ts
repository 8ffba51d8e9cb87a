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

/**
 * One of Nova's messages in the AI SDK's provider prompt shape. Converted once per message object
 * (see the cache below): the runtime appends to its conversation, so a turn converts only what is new.
 */
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
            // Malformed arguments are sent back as the model wrote them, inside a string.
            input: call.parseError === undefined ? call.input : String(call.input),
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

function toToolCall(part: { toolCallId: string; toolName: string; input: string }): ModelToolCall {
  const text = part.input.trim() === '' ? '{}' : part.input;
  try {
    return { id: part.toolCallId, name: part.toolName, input: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      id: part.toolCallId,
      name: part.toolName,
      input: part.input,
      parseError: (error as Error).message,
    };
  }
}

function toUsage(usage: LanguageModelV3Usage): ModelResponse['usage'] {
  return { inputTokens: usage.inputTokens.total ?? 0, outputTokens: usage.outputTokens.total ?? 0 };
}

/**
 * One model turn over an AI SDK language model (any provider: OpenAI, Anthropic, Google,
 * OpenAI-compatible servers, scripted). Nova owns the loop, so this speaks the provider
 * specification (`LanguageModelV3.doGenerate`/`doStream`) directly instead of `generateText`:
 * no tool execution, no SDK retries (ResilientChatModel does those), and each message is
 * converted once instead of on every turn.
 */
export class AiSdkChatModel implements ChatModel {
  readonly id: string;
  readonly #model: LanguageModelV3;
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
        switch (part.type) {
          case 'text-delta':
            text += part.delta;
            request.onTextDelta(part.delta);
            break;
          case 'tool-call':
            content.push(part);
            break;
          case 'finish':
            finishReason = part.finishReason.unified;
            usage = toUsage(part.usage);
            break;
          case 'error':
            throw part.error instanceof Error ? part.error : new Error(String(part.error));
          default:
            break;
        }
      }
    } finally {
      reader.releaseLock();
    }
    if (request.signal?.aborted)
      throw request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    if (text) content.unshift({ type: 'text', text });
    return this.#response(content, finishReason, usage);
  }

  #callOptions(request: ModelRequest): LanguageModelV3CallOptions {
    const prompt: LanguageModelV3Message[] = [{ role: 'system', content: request.system }];
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
