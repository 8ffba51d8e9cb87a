import type { SourceProblem } from '../config/source-problem.ts';
import type { PipelineDefinition } from '../pipelines/pipeline-definition.ts';

export interface PipelineLoad {
  readonly pipelines: readonly PipelineDefinition[];
  /** Broken files are reported here and left out; the others still load. */
  readonly problems: readonly SourceProblem[];
}

/** Where pipeline definitions come from (a folder of YAML files by default). */
export interface PipelineSource {
  readonly location: string;
  load(check: { agents: ReadonlySet<string>; tools: ReadonlySet<string> }): Promise<PipelineLoad>;
}
