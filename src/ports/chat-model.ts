import type { TokenUsage } from '../domain/usage.ts';

/**
 * Model access as the runtime sees it: one model turn, no tool execution. Nova owns the loop;
 * adapters (AI SDK providers, scripted models) only turn a conversation into the next message.
 */
export type ModelMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly text: string; readonly toolCalls: readonly ModelToolCall[] }
  | { readonly role: 'tool'; readonly results: readonly ModelToolResult[] };

export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments, or the raw text when the model sent something that is not JSON. */
  readonly input: unknown;
  /** Set when the arguments were not valid JSON; the runtime returns it to the model. */
  readonly parseError?: string;
}

export interface ModelToolResult {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly output: string;
  readonly isError: boolean;
}

export interface ModelToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  readonly system: string;
  readonly messages: readonly ModelMessage[];
  readonly tools: readonly ModelToolSpec[];
  readonly signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  readonly onTextDelta?: (delta: string) => void;
}

export interface ModelResponse {
  readonly text: string;
  readonly toolCalls: readonly ModelToolCall[];
  readonly finishReason: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
  readonly usage: TokenUsage;
  /** The model that answered: with a fallback it may differ from the one asked. */
  readonly modelId: string;
}

export interface ChatModel {
  /** `provider:model`. */
  readonly id: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

/** Looks a `provider:model` id up. Throws NovaError MODEL_NOT_CONFIGURED or CONFIG_INVALID. */
export interface ModelResolver {
  resolve(modelId: string | undefined): ChatModel;
  /** Whether each configured model answers; for `nova doctor`. */
  check(modelId: string): Promise<{ ok: boolean; detail: string }>;
}
