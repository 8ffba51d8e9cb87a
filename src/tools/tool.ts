import type { z } from 'zod';
import type { SpanParent } from '../ports/tracer.ts';
import type { Budget } from '../domain/budget.ts';
import type { TrustLevel } from '../domain/context-item.ts';
import type { Effect } from '../domain/effect.ts';
import type { TokenUsage } from '../domain/usage.ts';

/** Where a run sits in a delegation tree, and what it has left to give away. */
export interface DelegationContext {
  readonly rootRunId: string;
  /** 0 for a run started by a person, parent's depth + 1 for a delegated one. */
  readonly depth: number;
  /** Agents from the root run down to this one, this one last. */
  readonly chain: readonly string[];
  /** What this run may still spend; a child run gets at most this. */
  remaining(): Budget;
  /** Counts a child run's spending against this run, so the root's budget bounds the tree. */
  charge(usage: TokenUsage, steps: number, modelId?: string): void;
  /** Untrusted sources this run has read so far; a child run inherits them. */
  taint(): readonly string[];
  /** A child run's untrusted sources taint its parent once the child's answer comes back. */
  absorbTaint(sources: readonly string[]): void;
}

/** What a tool can see of the run calling it. */
export interface ToolContext {
  readonly runId: string;
  readonly agent: string;
  /** The projects this agent may touch, resolved from the registry and the policy. */
  readonly projects: readonly ProjectRef[];
  /** Project the task is about, if any; file tools default to it. */
  readonly defaultProjectId?: string;
  readonly signal: AbortSignal;
  readonly delegation?: DelegationContext;
  /**
   * Untrusted sources the run has read so far (empty when none). A tool that stores what the run
   * gives it (a note, a memory item) stores it as untrusted when this is not empty.
   */
  readonly taint?: () => readonly string[];
  /**
   * For tools that only find out while running that what they return is untrusted (a search that
   * hit a note written from a web page): taints the run, naming the source.
   */
  readonly markUntrusted?: (source: string) => void;
  /**
   * Set for calls of tools with side effects: the same key means the same call (a resumed run
   * repeats a call that may not have finished with the key it had). See `Tool.idempotent`.
   */
  readonly idempotencyKey?: string;
  /** The span of this tool call: work the tool starts (a delegated run) nests under it. */
  readonly span?: SpanParent;
}

export interface ProjectRef {
  readonly id: string;
  readonly name: string;
  /** Absolute, real (symlink-resolved) path of the project root. */
  readonly root: string;
  readonly docs: readonly string[];
  readonly tags: readonly string[];
  /** Content read from an untrusted project taints the run that read it. */
  readonly trust?: TrustLevel;
}

/**
 * A tool an agent can call. `effects` declares what it may do; the runtime checks them
 * against the agent's policy before `execute` runs. `execute` returns text for the model
 * or throws a NovaError whose message is returned to the model as a tool error.
 */
export interface Tool<Input = unknown> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: z.ZodType<Input>;
  readonly effects: readonly Effect[];
  /**
   * True when a second call with the same `context.idempotencyKey` does not repeat the effect
   * (it returns the first call's result). Only such tools are repeated after a crash left a call
   * unfinished; others stop the run rather than risk doing something twice.
   */
  readonly idempotent?: boolean;
  /**
   * Whether what the call returns can be trusted. Default: untrusted for tools with the
   * `external` effect (web pages, other systems), trusted otherwise. Untrusted output taints the run.
   */
  trustOf?(input: Input, context: ToolContext): TrustLevel;
  execute(input: Input, context: ToolContext): Promise<string>;
}

/** Helps TypeScript infer `Input` from the schema when defining a tool. */
export function defineTool<Schema extends z.ZodType>(tool: {
  name: string;
  description: string;
  inputSchema: Schema;
  effects: readonly Effect[];
  idempotent?: boolean;
  trustOf?(input: z.infer<Schema>, context: ToolContext): TrustLevel;
  execute(input: z.infer<Schema>, context: ToolContext): Promise<string>;
}): Tool<z.infer<Schema>> {
  // The schema's output type is exactly `Input`; TypeScript cannot see that through the generic.
  return tool as unknown as Tool<z.infer<Schema>>;
}
