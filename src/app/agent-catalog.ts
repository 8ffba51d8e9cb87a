import path from 'node:path';
import { formatProblem, type SourceProblem } from '../config/source-problem.ts';
import type { AgentDefinition } from '../domain/agent-definition.ts';
import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { AgentSource } from '../ports/agent-source.ts';

/**
 * The agents Nova currently knows, reloaded from their source on change. A file that fails to
 * load makes only that agent unavailable, with its problems kept for the error message.
 */
export class AgentCatalog {
  readonly #source: AgentSource;
  #agents = new Map<string, AgentDefinition>();
  #problems: readonly SourceProblem[] = [];
  #version = 0;
  #stopWatching: (() => void) | undefined;

  constructor(source: AgentSource) {
    this.#source = source;
  }

  get location(): string {
    return this.#source.location;
  }

  async reload(): Promise<void> {
    const load = await this.#source.load();
    this.#agents = new Map(load.agents.map((agent) => [agent.name, agent]));
    this.#problems = load.problems;
    this.#version += 1;
  }

  /** Changes on every reload; lets derived state (the router) know when to rebuild. */
  get version(): number {
    return this.#version;
  }

  /** Reloads on every change until `stop` is called; `onReload` sees each result. */
  watch(onReload?: (error?: unknown) => void): void {
    this.#stopWatching?.();
    this.#stopWatching = this.#source.watch(() => {
      this.reload().then(
        () => onReload?.(),
        (error: unknown) => onReload?.(error),
      );
    });
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  list(): AgentDefinition[] {
    return [...this.#agents.values()];
  }

  problems(): readonly SourceProblem[] {
    return this.#problems;
  }

  find(name: string): AgentDefinition | undefined {
    return this.#agents.get(name);
  }

  /** The agent, or a NovaError that says why not: broken file (CONFIG_INVALID) or unknown name. */
  get(name: string): AgentDefinition {
    const agent = this.#agents.get(name);
    if (agent) return agent;
    const fileProblems = this.#problems.filter(
      (problem) => problem.severity === 'error' && path.basename(problem.file, '.md') === name,
    );
    if (fileProblems.length > 0) {
      throw new NovaError(
        'CONFIG_INVALID',
        `agent "${name}" is defined but its file has errors:\n${fileProblems.map(formatProblem).join('\n')}`,
        { details: { agent: name, problems: fileProblems } },
      );
    }
    const names = [...this.#agents.keys()];
    const suggestion = closestMatch(name, names);
    throw new NovaError(
      'NOT_FOUND',
      `unknown agent "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Run \`nova agents list\` to see the ${names.length} agents in ${this.#source.location}.`,
      { details: { agent: name, ...(suggestion ? { suggestion } : {}) } },
    );
  }
}
