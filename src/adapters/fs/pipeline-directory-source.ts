import fs from 'node:fs';
import path from 'node:path';
import type { SourceProblem } from '../../config/source-problem.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { parsePipelineFile } from '../../pipelines/parse-pipeline-file.ts';
import type { PipelineDefinition } from '../../pipelines/pipeline-definition.ts';
import type { PipelineLoad, PipelineSource } from '../../ports/pipeline-source.ts';

/** Pipelines as `<dir>/<name>.yaml` (or `.yml`, `.json`); a missing folder means no pipelines. */
export class PipelineDirectorySource implements PipelineSource {
  readonly location: string;

  constructor(directory: string) {
    this.location = path.resolve(directory);
  }

  async load(check: { agents: ReadonlySet<string>; tools: ReadonlySet<string> }): Promise<PipelineLoad> {
    let entries: string[];
    try {
      entries = (await fs.promises.readdir(this.location))
        .filter((entry) => /\.(ya?ml|json)$/.test(entry))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { pipelines: [], problems: [] };
      throw new NovaError(
        'CONFIG_INVALID',
        `cannot read the pipelines folder ${this.location}: ${(error as Error).message}`,
        {
          details: { path: this.location },
        },
      );
    }
    const pipelines: PipelineDefinition[] = [];
    const problems: SourceProblem[] = [];
    for (const entry of entries) {
      const file = path.join(this.location, entry);
      const parsed = parsePipelineFile(await fs.promises.readFile(file, 'utf8'), file, check);
      problems.push(...parsed.problems);
      if (!parsed.pipeline) continue;
      const expected = entry.replace(/\.(ya?ml|json)$/, '');
      if (parsed.pipeline.name !== expected) {
        problems.push({
          file,
          line: 1,
          field: 'name',
          message: `the pipeline is named "${parsed.pipeline.name}" but its file is ${entry}; name the file ${parsed.pipeline.name}.yaml`,
          severity: 'error',
        });
        continue;
      }
      pipelines.push(parsed.pipeline);
    }
    return { pipelines, problems };
  }
}
