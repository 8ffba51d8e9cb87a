import fs from 'node:fs';
import path from 'node:path';
import { parseAgentFile } from '../../agents/parse-agent-file.ts';
import type { SourceProblem } from '../../config/source-problem.ts';
import type { AgentDefinition } from '../../domain/agent-definition.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { AgentLoad, AgentSource } from '../../ports/agent-source.ts';

/** Agents as `<dir>/<name>.md` files. */
export class AgentDirectorySource implements AgentSource {
  readonly location: string;
  readonly #availableTools: ReadonlySet<string>;

  constructor(directory: string, availableTools: ReadonlySet<string>) {
    this.location = path.resolve(directory);
    this.#availableTools = availableTools;
  }

  async load(): Promise<AgentLoad> {
    let entries: string[];
    try {
      entries = (await fs.promises.readdir(this.location)).filter((entry) => entry.endsWith('.md')).sort();
    } catch (error) {
      throw new NovaError(
        'CONFIG_INVALID',
        `cannot read the agents folder ${this.location}: ${(error as Error).message}`,
        {
          details: { path: this.location },
          cause: error,
        },
      );
    }
    const agents: AgentDefinition[] = [];
    const problems: SourceProblem[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        const file = path.join(this.location, entry);
        let text: string;
        try {
          text = await fs.promises.readFile(file, 'utf8');
        } catch (error) {
          // A file deleted between readdir and readFile is simply gone.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          problems.push({
            file,
            line: 1,
            field: '',
            message: `cannot read: ${(error as Error).message}`,
            severity: 'error',
          });
          return;
        }
        const parsed = parseAgentFile(text, file, { availableTools: this.#availableTools });
        problems.push(...parsed.problems);
        if (parsed.agent) agents.push(parsed.agent);
      }),
    );
    agents.sort((a, b) => a.name.localeCompare(b.name));
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    return { agents, problems };
  }

  watch(onChange: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    // Editors write files in bursts (temp file, rename, chmod); one reload per burst is enough.
    const watcher = fs.watch(this.location, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 100);
    });
    watcher.on('error', () => undefined);
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }
}
