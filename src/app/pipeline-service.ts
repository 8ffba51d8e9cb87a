import type { SourceProblem } from '../config/source-problem.ts';
import { closestMatch } from '../domain/closest-match.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { ApprovalRequest, ApprovalStore } from '../ports/approval-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { LineageStore } from '../ports/lineage-store.ts';
import type { PipelineSource } from '../ports/pipeline-source.ts';
import type {
  PipelineRun,
  PipelineRunStatus,
  PipelineStepRecord,
  PipelineStore,
} from '../ports/pipeline-store.ts';
import { blameTree, suspectNodes, type BlameNode } from '../pipelines/lineage.ts';
import type { PipelineDefinition } from '../pipelines/pipeline-definition.ts';
import type { PipelineEngine, PipelineRunOptions } from '../pipelines/pipeline-engine.ts';
import { resolveText } from '../pipelines/references.ts';
import type { ReplayReport } from './nova-app.ts';
import type { Run } from '../domain/run.ts';

export interface PipelineServiceDependencies {
  readonly source: PipelineSource;
  readonly engine: PipelineEngine;
  readonly store: PipelineStore;
  readonly approvals: ApprovalStore;
  readonly lineage: LineageStore;
  /** Names of agents and tools that exist, for checking definitions. */
  readonly names: () => { agents: ReadonlySet<string>; tools: ReadonlySet<string> };
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Continues an agent run that waited for an approval (or was interrupted). */
  readonly resumeAgentRun: (runId: string) => Promise<Run>;
  /** Strict replay of one agent run from its journal. */
  readonly replayAgentRun: (runId: string) => Promise<ReplayReport>;
}

export interface PipelineReplayReport {
  readonly runId: string;
  readonly steps: ReadonlyArray<{ readonly key: string; readonly divergences: readonly string[] }>;
  readonly diverged: boolean;
}

export interface PipelineRunView {
  readonly run: PipelineRun;
  readonly steps: readonly (PipelineStepRecord & { readonly suspect: boolean })[];
  readonly refutations: Awaited<ReturnType<LineageStore['listRefutations']>>;
}

/** What interfaces call for pipelines: definitions, runs, approvals, lineage. */
export class PipelineService {
  readonly #dependencies: PipelineServiceDependencies;

  constructor(dependencies: PipelineServiceDependencies) {
    this.#dependencies = dependencies;
  }

  get location(): string {
    return this.#dependencies.source.location;
  }

  async list(): Promise<{ pipelines: readonly PipelineDefinition[]; problems: readonly SourceProblem[] }> {
    return this.#dependencies.source.load(this.#dependencies.names());
  }

  async get(name: string): Promise<PipelineDefinition> {
    const { pipelines, problems } = await this.list();
    const found = pipelines.find((pipeline) => pipeline.name === name);
    if (found) return found;
    const broken = problems.filter((problem) => problem.file.includes(`${name}.`));
    if (broken.length > 0) {
      throw new NovaError(
        'CONFIG_INVALID',
        `pipeline ${name} is invalid:\n${broken.map((problem) => `  ${problem.file}:${problem.line}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`).join('\n')}`,
        { details: { problems: broken } },
      );
    }
    const suggestion = closestMatch(
      name,
      pipelines.map((pipeline) => pipeline.name),
    );
    throw new NovaError(
      'NOT_FOUND',
      `no pipeline "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; pipelines: ${pipelines.map((pipeline) => pipeline.name).join(', ') || 'none'} (in ${this.location})`,
    );
  }

  async run(
    name: string,
    input: unknown,
    options: PipelineRunOptions = {},
  ): Promise<{ runId: string; done: Promise<PipelineRun> }> {
    return this.#dependencies.engine.start(await this.get(name), input, options);
  }

  /** Runs a pipeline built in TypeScript (`definePipeline`) instead of loaded from a file. */
  runDefinition(
    definition: PipelineDefinition,
    input: unknown,
    options: PipelineRunOptions = {},
  ): Promise<{ runId: string; done: Promise<PipelineRun> }> {
    return this.#dependencies.engine.start(definition, input, options);
  }

  resume(
    runId: string,
    options: PipelineRunOptions = {},
  ): Promise<{ runId: string; done: Promise<PipelineRun> }> {
    return this.#dependencies.engine.resume(runId, options);
  }

  recover(options: PipelineRunOptions = {}): Promise<Array<{ runId: string; done: Promise<PipelineRun> }>> {
    return this.#dependencies.engine.recover(options);
  }

  async listRuns(filter: { limit?: number; status?: PipelineRunStatus } = {}): Promise<PipelineRun[]> {
    return this.#dependencies.store.listRuns(filter);
  }

  async getRun(runId: string): Promise<PipelineRunView> {
    const { store, lineage } = this.#dependencies;
    const run = await store.getRun(runId);
    if (!run)
      throw new NovaError(
        'NOT_FOUND',
        `no pipeline run "${runId}"; \`nova pipelines runs\` lists recent ones`,
      );
    const [steps, edges, refutations] = await Promise.all([
      store.listSteps(runId),
      lineage.listEdges(runId),
      lineage.listRefutations(runId),
    ]);
    const suspects = suspectNodes(edges, refutations);
    return {
      run,
      steps: steps.map((step) => ({ ...step, suspect: suspects.has(`step:${runId}/${step.key}`) })),
      refutations,
    };
  }

  async listApprovals(): Promise<ApprovalRequest[]> {
    return this.#dependencies.approvals.listPending();
  }

  async decide(
    approvalId: string,
    decision: { approved: boolean; by: string; reason?: string },
    options: PipelineRunOptions = {},
  ): Promise<{ runId: string; done: Promise<PipelineRun> } | { agentRun: Promise<Run> } | undefined> {
    const approval = await this.#dependencies.approvals.get(approvalId);
    const resumed = await this.#dependencies.engine.decide(approvalId, decision, options);
    if (resumed || !approval?.runId.startsWith('run_')) return resumed;
    // An approval asked for by a run outside any pipeline: that run continues.
    return { agentRun: this.#dependencies.resumeAgentRun(approval.runId) };
  }

  /** Walks back from a step's output (default: the run's result) to what produced it. */
  async blame(runId: string, stepKey?: string): Promise<BlameNode> {
    const view = await this.getRun(runId);
    const key =
      stepKey ??
      view.run.definition.result ??
      [...view.steps].reverse().find((step) => step.status === 'succeeded')?.key;
    if (!key) throw new NovaError('NOT_FOUND', `pipeline run ${runId} has no finished step to blame`);
    if (!view.steps.some((step) => step.key === key)) {
      const suggestion = closestMatch(
        key,
        view.steps.map((step) => step.key),
      );
      throw new NovaError(
        'NOT_FOUND',
        `pipeline run ${runId} has no step "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      );
    }
    const { lineage } = this.#dependencies;
    const [edges, refutations] = await Promise.all([
      lineage.listEdges(runId),
      lineage.listRefutations(runId),
    ]);
    return blameTree(`step:${runId}/${key}`, edges, refutations);
  }

  /**
   * Re-executes a pipeline run from its records: each step's task is derived again from the
   * recorded outputs above it and compared with what the step was given, and each agent run is
   * replayed from its journal. No model is called and no tool runs.
   */
  async replay(runId: string): Promise<PipelineReplayReport> {
    const view = await this.getRun(runId);
    const outputs = new Map<string, unknown>();
    const steps: Array<{ key: string; divergences: string[] }> = [];
    for (const record of view.steps) {
      if (record.status !== 'succeeded') continue;
      const divergences: string[] = [];
      const step = view.run.definition.steps.find((candidate) => candidate.id === record.key);
      if (step?.kind === 'agent') {
        try {
          const task = resolveText(step.task, { input: view.run.input, outputs });
          const recordedTask = (record.input as { task?: string } | undefined)?.task;
          if (recordedTask !== undefined && task !== recordedTask)
            divergences.push('its task now resolves to different text than it was given');
        } catch (error) {
          divergences.push(`its task no longer resolves: ${(error as Error).message}`);
        }
      }
      const agentRunId = record.agentRunIds.at(-1);
      if (agentRunId && (step?.kind === 'agent' || step?.kind === 'reviewer')) {
        const report = await this.#dependencies.replayAgentRun(agentRunId);
        for (const divergence of report.divergences)
          divergences.push(
            `agent run ${agentRunId} step ${divergence.seq} (${divergence.kind} ${divergence.name}): ${divergence.reason}`,
          );
        if (!report.sameOutcome && report.divergences.length === 0)
          divergences.push(`agent run ${agentRunId} reached a different output`);
      }
      if (step) outputs.set(step.id, record.output);
      steps.push({ key: record.key, divergences });
    }
    return { runId, steps, diverged: steps.some((step) => step.divergences.length > 0) };
  }

  /** Marks an assumption wrong; every output downstream of it becomes suspect. */
  async refute(runId: string, assumptionId: string, reason: string): Promise<{ suspectSteps: string[] }> {
    const { lineage, clock, ids } = this.#dependencies;
    await this.getRun(runId);
    if (reason.trim().length === 0)
      throw new NovaError('BAD_REQUEST', 'say why the assumption is wrong: --reason "..."');
    const edges = await lineage.listEdges(runId);
    const node = `assumption:${assumptionId}`;
    if (!edges.some((edge) => edge.from === node)) {
      const known = [
        ...new Set(
          edges
            .filter((edge) => edge.from.startsWith('assumption:'))
            .map((edge) => edge.from.slice('assumption:'.length)),
        ),
      ];
      throw new NovaError(
        'NOT_FOUND',
        `run ${runId} used no assumption "${assumptionId}"; its assumptions: ${known.join(', ') || 'none were stated'} (see nova blame ${runId})`,
      );
    }
    const refutation = {
      id: ids.next('refute'),
      rootId: runId,
      assumptionId,
      reason: reason.trim(),
      at: new Date(clock.now()).toISOString(),
    };
    await lineage.addRefutation(refutation);
    const suspects = suspectNodes(edges, [...(await lineage.listRefutations(runId))]);
    const prefix = `step:${runId}/`;
    return {
      suspectSteps: [...suspects.keys()]
        .filter((id) => id.startsWith(prefix))
        .map((id) => id.slice(prefix.length)),
    };
  }

  /**
   * Re-runs a pipeline run from `fromStep` as a new run linked to the original: the steps above it
   * are reused as recorded (with `--set` changes applied), the rest run again.
   */
  async fork(
    runId: string,
    fromStep: string,
    sets: ReadonlyArray<{ path: string; value: unknown }>,
    options: PipelineRunOptions = {},
  ): Promise<{ runId: string; done: Promise<PipelineRun> }> {
    const view = await this.getRun(runId);
    const definition = view.run.definition;
    const position = definition.steps.findIndex((step) => step.id === fromStep);
    if (position < 0) {
      const suggestion = closestMatch(
        fromStep,
        definition.steps.map((step) => step.id),
      );
      throw new NovaError(
        'NOT_FOUND',
        `pipeline ${definition.name} has no step "${fromStep}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      );
    }
    const before = new Set(definition.steps.slice(0, position).map((step) => step.id));
    let input = structuredClone(view.run.input);
    const copied = view.steps
      .filter((step) => before.has(step.stepId) && (step.status === 'succeeded' || step.status === 'skipped'))
      .map(({ suspect: _suspect, ...step }) => ({ ...step, output: structuredClone(step.output) }));
    for (const { path, value } of sets) {
      const segments = path.split('.');
      if (segments[0] === 'input') {
        input = setPath(input, segments.slice(1), value, path);
      } else if (segments[0] === 'steps' && segments[2] === 'output' && segments[1] !== undefined) {
        const index = copied.findIndex((step) => step.key === segments[1]);
        if (index < 0) {
          throw new NovaError(
            'BAD_REQUEST',
            `--set ${path}: step "${segments[1]}" is not above ${fromStep}, so it runs again and cannot be set`,
          );
        }
        copied[index] = {
          ...copied[index]!,
          output: setPath(copied[index]!.output, segments.slice(3), value, path),
        };
      } else {
        throw new NovaError(
          'BAD_REQUEST',
          `--set ${path}: set input.<field> or steps.<step-id>.output[.<field>]`,
        );
      }
    }
    return this.#dependencies.engine.start(definition, input, {
      ...options,
      forkOf: { runId, fromStep },
      copySteps: copied,
    });
  }
}

function setPath(target: unknown, segments: readonly string[], value: unknown, path: string): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (target === null || typeof target !== 'object') {
    throw new NovaError('BAD_REQUEST', `--set ${path}: there is no object to set "${head}" in`);
  }
  const copy: Record<string, unknown> = Array.isArray(target)
    ? ([...(target as unknown[])] as unknown as Record<string, unknown>)
    : { ...(target as Record<string, unknown>) };
  copy[head] = setPath(copy[head] ?? (rest.length > 0 ? {} : undefined), rest, value, path);
  return copy;
}
