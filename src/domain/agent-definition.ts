import type { Budget } from './budget.ts';
import type { Effect } from './effect.ts';

export const agentDomains = [
  'orchestration',
  'general',
  'pipeline',
  'engineering',
  'erp',
  'language',
  'personal',
] as const;
export type AgentDomain = (typeof agentDomains)[number];

/** Which memory scopes an agent may read and write (`global`, `project:<id>`, `agent:self`, ...). */
export interface MemoryAccess {
  readonly read: readonly string[];
  readonly write: readonly string[];
}

/** What the runtime lets an agent do; enforced in code, never by the prompt. */
export interface AgentPolicy {
  /** Tool names the agent may call. */
  readonly tools: readonly string[];
  /** Effects the agent may cause at all; a tool whose effects are not all listed is refused. */
  readonly effects: readonly Effect[];
  /** Project ids the agent may touch; `*` means every registered project. */
  readonly projects: readonly string[];
  readonly memory: MemoryAccess;
  /** Agents this one may hand work to. */
  readonly delegates: readonly string[];
  readonly budget: Budget;
}

/** An agent as defined by its file `agents/<name>.md`. */
export interface AgentDefinition {
  readonly name: string;
  readonly title: string;
  readonly domain: AgentDomain;
  readonly description: string;
  readonly examples: readonly string[];
  /** `provider:model`; absent means the configured default. */
  readonly model?: string;
  readonly policy: AgentPolicy;
  /** JSON Schema for the outcome's output, when the agent promises structured output. */
  readonly outputContract?: Record<string, unknown>;
  /** The Markdown body: the agent's instructions. */
  readonly instructions: string;
  /** Where it was loaded from, for error messages and hot reload. */
  readonly sourcePath: string;
}
