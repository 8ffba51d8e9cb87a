import type { AgentDefinition } from '../domain/agent-definition.ts';
import type { SourceProblem } from '../config/source-problem.ts';

export interface AgentLoad {
  readonly agents: readonly AgentDefinition[];
  /** Errors (the file was skipped) and warnings (it loaded), each with file, line and field. */
  readonly problems: readonly SourceProblem[];
}

/** Where agent definitions come from (a folder of Markdown files by default). */
export interface AgentSource {
  /** A human-readable location, e.g. the folder path. */
  readonly location: string;
  /** Loads every definition; one broken definition never prevents the others from loading. */
  load(): Promise<AgentLoad>;
  /** Calls `onChange` (debounced) when definitions may have changed; returns a stop function. */
  watch(onChange: () => void): () => void;
}
