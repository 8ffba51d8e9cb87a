import type { LanguageModelV3 } from '@ai-sdk/provider';
import {
  generateText,
  jsonSchema,
  streamText,
  type LanguageModelUsage,
  type ModelMessage as SdkMessage,
  type ToolSet,
} from 'ai';
import type {
  ChatModel,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelToolCall,
} from '../../ports/chat-model.ts';

/** Nova's conversation in the AI SDK's message shape. */
export function toSdkMessages(messages: readonly ModelMessage[]): SdkMessage[] {
  return messages.map((message): SdkMessage => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: [
            ...(message.text ? [{ type: 'text' as const, text: message.text }] : []),
            ...message.toolCalls.map((call) => ({
              type: 'tool-call' as const,
              toolCallId: call.id,
              toolName: call.name,
              input: call.input,
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
  });
}

interface SdkToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid?: boolean;
  error?: unknown;
}

function toToolCall(call: SdkToolCall): ModelToolCall {
  if (call.invalid) {
    const cause =
      call.error instanceof Error
        ? call.error.cause instanceof Error
          ? call.error.cause.message
          : call.error.message
        : String(call.error);
    // An unknown tool name is not a JSON problem: the runtime reports it as such.
    const isParseProblem = typeof call.input === 'string';
    return {
      id: call.toolCallId,
      name: call.toolName,
      input: call.input,
      ...(isParseProblem ? { parseError: cause } : {}),
    };
  }
  return { id: call.toolCallId, name: call.toolName, input: call.input };
}

function toUsage(usage: LanguageModelUsage): ModelResponse['usage'] {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

/**
 * One model turn through the Vercel AI SDK. Tools are passed without `execute`, so the SDK only
 * reports the calls; Nova runs them under its own policy and journal. Retries are Nova's
 * (see ResilientChatModel), so the SDK's own are off.
 */
export class AiSdkChatModel implements ChatModel {
  readonly id: string;
  readonly #model: LanguageModelV3;

  constructor(id: string, model: LanguageModelV3) {
    this.id = id;
    this.#model = model;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const tools: ToolSet = {};
    for (const spec of request.tools) {
      tools[spec.name] = { description: spec.description, inputSchema: jsonSchema(spec.inputSchema) };
    }
    const common = {
      model: this.#model,
      system: request.system,
      messages: toSdkMessages(request.messages),
      ...(request.tools.length > 0 ? { tools } : {}),
      maxRetries: 0,
      ...(request.signal ? { abortSignal: request.signal } : {}),
    };
    if (!request.onTextDelta) {
      const result = await generateText(common);
      const calls = result.content.filter((part) => part.type === 'tool-call') as SdkToolCall[];
      return {
        text: result.text,
        toolCalls: calls.map(toToolCall),
        finishReason: result.finishReason,
        usage: toUsage(result.usage),
        modelId: this.id,
      };
    }
    const result = streamText({ ...common, onError: () => undefined });
    let text = '';
    const toolCalls: ModelToolCall[] = [];
    let finishReason: ModelResponse['finishReason'] = 'other';
    let usage: ModelResponse['usage'] = { inputTokens: 0, outputTokens: 0 };
    for await (const part of result.fullStream) {
      switch (part.type) {
        case 'text-delta':
          text += part.text;
          request.onTextDelta(part.text);
          break;
        case 'tool-call':
          toolCalls.push(toToolCall(part as SdkToolCall));
          break;
        case 'error':
          throw part.error;
        case 'abort':
          throw request.signal?.reason ?? new Error('the model call was aborted');
        case 'finish':
          finishReason = part.finishReason;
          usage = toUsage(part.totalUsage);
          break;
        default:
          break;
      }
    }
    return { text, toolCalls, finishReason, usage, modelId: this.id };
  }
}
