import type { ContextItem } from '../domain/context-item.ts';
import type { ContextCandidate } from '../context/pack-context.ts';
import type { TokenCounter } from '../context/token-counter.ts';
import type { ProjectRef } from '../tools/tool.ts';

/**
 * Where context candidates come from (project files and docs today; memory later), and how an
 * item is checked before it is used again.
 */
export interface ContextSource {
  /** Candidates for a task in a project, each with provenance and a relevance 0..1; best first. */
  candidates(input: {
    text: string;
    /** The task's project, when it has one. */
    project?: ProjectRef;
    /** Memory scopes the agent may read (`global`, `project:<id>`, `agent:<name>`). */
    memoryScopes?: readonly string[];
    /** For a follow-up: the run it follows, whose conversation turns are candidates. */
    followsRunId?: string;
    counter: TokenCounter;
    limit: number;
  }): Promise<ContextCandidate[]>;
  /**
   * Re-reads an item's source: `fresh` when unchanged, `refreshed` (with the new content) when it
   * changed, `gone` when it no longer exists or is no longer allowed.
   */
  refresh(
    item: ContextItem,
    projects: readonly ProjectRef[],
    counter: TokenCounter,
  ): Promise<
    { state: 'fresh'; item: ContextItem } | { state: 'refreshed'; item: ContextItem } | { state: 'gone' }
  >;
}
