import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { formatProblem } from '../../../config/source-problem.ts';
import { NovaError } from '../../../domain/nova-error.ts';
import type { BlameNode } from '../../../pipelines/lineage.ts';
import type { PipelineEvent } from '../../../pipelines/pipeline-engine.ts';
import type { PipelineRun } from '../../../ports/pipeline-store.ts';
import type { PipelineRunView } from '../../../app/pipeline-service.ts';
import { exitCodeFor } from '../exit-codes.ts';
import { shorten, table } from '../format.ts';
import type { CommandContext } from '../main.ts';

/** `nova run` stopped at an approval step: not an error, but not done either. */
export const waitingExitCode = 21;

/** `--input '{"topic": "x"}'` or `--input @file.json`. */
function readInput(value: string | undefined, cwd: string): unknown {
  if (value === undefined) return {};
  let text = value;
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new NovaError('BAD_REQUEST', `cannot read --input file ${file}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new NovaError(
      'BAD_REQUEST',
      `--input is not JSON (${(error as Error).message}); give JSON like '{"topic": "..."}' or @file.json`,
    );
  }
}

function progressLine(event: PipelineEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `${event.resumed ? 'resuming' : 'running'} ${event.pipeline} (${event.runId})`;
    case 'step-start':
      return `  ▸ ${event.key} (${event.kind}${event.attempt > 1 ? `, attempt ${event.attempt}` : ''})`;
    case 'step-end':
      if (event.status === 'succeeded') return `  ✓ ${event.key}${event.reused ? ' (done before)' : ''}`;
      if (event.status === 'skipped') return `  – ${event.key} skipped`;
      return `  ✗ ${event.key}: ${event.error?.message ?? event.status}`;
    case 'waiting':
      return `  ⏸ ${event.key} waits for approval ${event.approvalId}: ${event.message}\n    nova approve ${event.approvalId}   or   nova deny ${event.approvalId} --reason "..."`;
    case 'run-end':
      return undefined;
  }
}

/** Prints a finished (or stopped) pipeline run and sets the exit code. */
function report(context: CommandContext, run: PipelineRun, json: boolean): void {
  if (json) context.io.writeOut(`${JSON.stringify({ run }, null, 2)}\n`);
  else if (run.status === 'succeeded') {
    const output = run.output;
    context.io.writeOut(`${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n`);
  } else if (run.status === 'waiting') {
    context.io.writeError(
      `nova: pipeline run ${run.id} is waiting for an approval; see nova approvals list\n`,
    );
  } else {
    context.io.writeError(`nova: pipeline run ${run.id} ${run.status}: ${run.error?.message ?? ''}\n`);
  }
  if (run.status === 'waiting') context.setExitCode(waitingExitCode);
  else if (run.status !== 'succeeded') context.setExitCode(exitCodeFor(run.error?.code ?? 'INTERNAL'));
}

function onProgress(context: CommandContext, json: boolean): (event: PipelineEvent) => void {
  return (event) => {
    const line = progressLine(event);
    if (line !== undefined && !json) context.io.writeError(`${line}\n`);
  };
}

export function formatPipelineRun(view: PipelineRunView): string {
  const { run, steps, refutations } = view;
  const lines = [
    `pipeline run ${run.id}  ${run.pipeline}  ${run.status}`,
    `started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}`,
    ...(run.forkOf ? [`forked from ${run.forkOf.runId} at step ${run.forkOf.fromStep}`] : []),
    `input: ${shorten(JSON.stringify(run.input), 200)}`,
    ...(run.error ? [`error: ${run.error.code}: ${run.error.message}`] : []),
    '',
    table([
      ['STEP', 'KIND', 'STATUS', 'ATTEMPT', 'AGENT RUNS', 'OUTPUT'],
      ...steps.map((step) => [
        step.key,
        step.kind,
        `${step.status}${step.suspect ? ' SUSPECT' : ''}${step.reusedFrom ? ' (reused)' : ''}`,
        String(step.attempt),
        step.agentRunIds.join(' ') || '-',
        shorten(
          step.error ? `${step.error.code}: ${step.error.message}` : JSON.stringify(step.output ?? null),
          70,
        ),
      ]),
    ]),
  ];
  for (const refutation of refutations)
    lines.push('', `refuted ${refutation.assumptionId}: ${refutation.reason} (${refutation.at})`);
  return lines.join('\n');
}

export function formatBlame(root: BlameNode): string {
  const lines: string[] = [];
  const label = (node: BlameNode): string => {
    const raw = node.detail ?? {};
    const field = (name: string, fallback: string): string => {
      const value = raw[name];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
    };
    const [kind, ...rest] = node.node.split(':');
    const id = rest.join(':');
    let text = `${kind} ${id}`;
    if (kind === 'assumption') text = `assumption ${id} "${field('text', '')}" (by ${field('agent', '?')})`;
    if (kind === 'context') {
      text = `context ${id} ${field('sourceUri', '')} observed ${field('observedAt', '?')}${raw.stale === true ? ' STALE when used' : ''}`;
    }
    if (kind === 'step') text = `step ${id.split('/').slice(1).join('/')}`;
    return [
      node.relation ? `${node.relation} ← ` : '',
      text,
      node.refuted ? `  REFUTED: ${node.refuted.reason}` : node.suspect ? '  SUSPECT' : '',
      node.seen ? '  (see above)' : '',
    ].join('');
  };
  const visit = (node: BlameNode, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${label(node)}`);
    for (const source of node.sources) visit(source, depth + 1);
  };
  visit(root, 0);
  return lines.join('\n');
}

export function pipelineCommands(context: CommandContext): Command[] {
  const run = new Command('run')
    .description('run a pipeline (pipelines/<name>.yaml), showing progress step by step')
    .argument('<pipeline>', 'pipeline name (see nova pipelines list)')
    .option('-i, --input <json>', "the pipeline's input: JSON, or @file.json")
    .option('--json', 'print the run as JSON')
    .action(async (name: string, options: { input?: string; json?: boolean }) => {
      const input = readInput(options.input, context.io.cwd);
      const nova = await context.openNova();
      try {
        // Ctrl-C cancels the run cleanly (recorded as cancelled; `nova runs resume` can continue it).
        const controller = new AbortController();
        const onSignal = (): void => controller.abort();
        process.once('SIGINT', onSignal);
        try {
          const started = await nova.pipelines.run(name, input, {
            onEvent: onProgress(context, options.json === true),
            signal: controller.signal,
          });
          report(context, await started.done, options.json === true);
        } finally {
          process.off('SIGINT', onSignal);
        }
      } finally {
        await nova.close();
      }
    });

  const pipelines = new Command('pipelines').description('pipeline definitions and runs');
  pipelines
    .command('list')
    .description('pipelines in the pipelines folder')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const { pipelines: list, problems } = await nova.pipelines.list();
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ pipelines: list, problems }, null, 2)}\n`);
          return;
        }
        context.io.writeOut(
          `${table([['PIPELINE', 'STEPS', 'DESCRIPTION'], ...list.map((pipeline) => [pipeline.name, String(pipeline.steps.length), shorten(pipeline.description, 80)])])}\n`,
        );
        for (const problem of problems) context.io.writeError(`${formatProblem(problem)}\n`);
      } finally {
        await nova.close();
      }
    });
  pipelines
    .command('show')
    .description('a pipeline definition')
    .argument('<name>')
    .action(async (name: string) => {
      const nova = await context.openNova();
      try {
        context.io.writeOut(`${JSON.stringify(await nova.pipelines.get(name), null, 2)}\n`);
      } finally {
        await nova.close();
      }
    });
  pipelines
    .command('validate')
    .description('check every pipeline file; problems name the file, line and field')
    .action(async () => {
      const nova = await context.openNova();
      try {
        const { pipelines: list, problems } = await nova.pipelines.list();
        for (const problem of problems) context.io.writeOut(`${formatProblem(problem)}\n`);
        context.io.writeOut(
          `${list.length} pipeline${list.length === 1 ? '' : 's'} valid, ${problems.length} problem${problems.length === 1 ? '' : 's'} (${nova.pipelines.location})\n`,
        );
        if (problems.some((problem) => problem.severity === 'error'))
          context.setExitCode(exitCodeFor('CONFIG_INVALID'));
      } finally {
        await nova.close();
      }
    });
  pipelines
    .command('runs')
    .description('recent pipeline runs, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const list = await nova.pipelines.listRuns({ limit: 50 });
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ runs: list }, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          context.io.writeOut(
            "No pipeline runs yet. Try: nova pipelines list, then nova run <pipeline> --input '{...}'\n",
          );
          return;
        }
        context.io.writeOut(
          `${table([['RUN', 'PIPELINE', 'STATUS', 'STARTED'], ...list.map((item) => [item.id, item.pipeline, item.status, item.startedAt.replace('T', ' ').slice(0, 19)])])}\n`,
        );
      } finally {
        await nova.close();
      }
    });

  const approvals = new Command('approvals').description('actions waiting for your yes or no');
  approvals
    .command('list')
    .description('pending approvals')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const pending = await nova.pipelines.listApprovals();
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ approvals: pending }, null, 2)}\n`);
          return;
        }
        if (pending.length === 0) {
          context.io.writeOut('Nothing is waiting for approval.\n');
          return;
        }
        for (const approval of pending) {
          context.io.writeOut(
            [
              `${approval.id}  run ${approval.runId}${approval.agent ? `  agent ${approval.agent}` : ''}  ${approval.tool}`,
              `  ${approval.reason}`,
              `  what: ${shorten(JSON.stringify(approval.input), 300)}`,
              ...(approval.sources && approval.sources.length > 0
                ? [`  untrusted sources read: ${approval.sources.join('; ')}`]
                : []),
              `  expires ${approval.expiresAt}`,
              '',
            ].join('\n'),
          );
        }
      } finally {
        await nova.close();
      }
    });

  const decide = (approved: boolean) => async (id: string, options: { reason?: string; json?: boolean }) => {
    if (!approved && !options.reason)
      throw new NovaError('BAD_REQUEST', 'say why: nova deny <id> --reason "..."');
    const nova = await context.openNova();
    try {
      const resumed = await nova.pipelines.decide(
        id,
        { approved, by: 'owner', ...(options.reason ? { reason: options.reason } : {}) },
        { onEvent: onProgress(context, options.json === true) },
      );
      if (!resumed) {
        context.io.writeOut(`${approved ? 'Approved' : 'Denied'} ${id}.\n`);
        return;
      }
      if ('agentRun' in resumed) {
        const run = await resumed.agentRun;
        if (options.json) context.io.writeOut(`${JSON.stringify({ run }, null, 2)}\n`);
        else if (run.status === 'succeeded') {
          const output = run.outcome?.output;
          context.io.writeOut(`${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n`);
        } else context.io.writeError(`nova: run ${run.id} ${run.status}: ${run.error?.message ?? ''}\n`);
        context.io.writeError(`run continued as ${run.id}\n`);
        if (run.status !== 'succeeded') context.setExitCode(exitCodeFor(run.error?.code ?? 'INTERNAL'));
        return;
      }
      report(context, await resumed.done, options.json === true);
    } finally {
      await nova.close();
    }
  };
  const approve = new Command('approve')
    .description('approve a pending action; the run waiting on it continues here')
    .argument('<id>', 'approval id (see nova approvals list)')
    .option('--reason <text>', 'why')
    .option('--json', 'print the run as JSON')
    .action(decide(true));
  const deny = new Command('deny')
    .description('deny a pending action; the run waiting on it is told no and goes on without it')
    .argument('<id>', 'approval id')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print the run as JSON')
    .action(decide(false));

  const blame = new Command('blame')
    .description('walk back from an output to the steps, assumptions and context items that produced it')
    .argument('<run>', 'pipeline run id')
    .option('--step <id>', "the step whose output to explain (default: the run's result)")
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { step?: string; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const tree = await nova.pipelines.blame(runId, options.step);
        context.io.writeOut(options.json ? `${JSON.stringify(tree, null, 2)}\n` : `${formatBlame(tree)}\n`);
      } finally {
        await nova.close();
      }
    });

  const refute = new Command('refute')
    .description('mark an assumption wrong; every output downstream of it becomes suspect')
    .argument('<run>', 'pipeline run id')
    .argument('<assumption-id>', 'assumption id (see nova blame)')
    .requiredOption('--reason <text>', 'why the assumption is wrong')
    .option('--json', 'print JSON')
    .action(async (runId: string, assumptionId: string, options: { reason: string; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const result = await nova.pipelines.refute(runId, assumptionId, options.reason);
        context.io.writeOut(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `Refuted ${assumptionId}. Suspect steps: ${result.suspectSteps.join(', ') || 'none'}\n`,
        );
      } finally {
        await nova.close();
      }
    });

  const fork = new Command('fork')
    .description('re-run a pipeline run from a step, optionally with changed input, as a new linked run')
    .argument('<run>', 'pipeline run id')
    .requiredOption('--from <step>', 'first step to run again; steps above it are reused')
    .option(
      '--set <path=value>',
      'change input.<field> or steps.<id>.output[.<field>] (value as JSON, or text); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, options: { from: string; set: string[]; json?: boolean }) => {
      const sets = options.set.map((assignment) => {
        const at = assignment.indexOf('=');
        if (at <= 0)
          throw new NovaError(
            'BAD_REQUEST',
            `--set ${assignment}: write path=value, e.g. --set input.topic="ERP cloud"`,
          );
        const raw = assignment.slice(at + 1);
        let value: unknown = raw;
        try {
          value = JSON.parse(raw) as unknown;
        } catch {
          // Plain text.
        }
        return { path: assignment.slice(0, at), value };
      });
      const nova = await context.openNova();
      try {
        const started = await nova.pipelines.fork(runId, options.from, sets, {
          onEvent: onProgress(context, options.json === true),
        });
        report(context, await started.done, options.json === true);
      } finally {
        await nova.close();
      }
    });

  const replay = new Command('replay')
    .description(
      're-execute a run from its journal (no model calls, no side effects) and report any divergence',
    )
    .argument('<run>', 'agent run (run_…) or pipeline run (pipe_…) id')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        if (runId.startsWith('pipe_')) {
          const report = await nova.pipelines.replay(runId);
          if (options.json) context.io.writeOut(`${JSON.stringify(report, null, 2)}\n`);
          else {
            for (const step of report.steps) {
              context.io.writeOut(`${step.divergences.length === 0 ? '=' : '≠'} ${step.key}\n`);
              for (const divergence of step.divergences) context.io.writeOut(`    ${divergence}\n`);
            }
            context.io.writeOut(
              report.diverged
                ? 'The replay diverged from the recording.\n'
                : 'The replay matches the recording.\n',
            );
          }
          if (report.diverged) context.setExitCode(exitCodeFor('CONFLICT'));
          return;
        }
        const report = await nova.app.replayRun(runId);
        if (options.json) context.io.writeOut(`${JSON.stringify(report, null, 2)}\n`);
        else {
          for (const divergence of report.divergences) {
            context.io.writeOut(
              `≠ step ${divergence.seq} (${divergence.kind} ${divergence.name}): ${divergence.reason}\n`,
            );
          }
          context.io.writeOut(
            report.divergences.length === 0 && report.sameOutcome
              ? `The replay of ${runId} matches the recording (${report.replayedStatus}).\n`
              : `The replay of ${runId} diverged from the recording.\n`,
          );
        }
        if (report.divergences.length > 0 || !report.sameOutcome)
          context.setExitCode(exitCodeFor('CONFLICT'));
      } finally {
        await nova.close();
      }
    });

  return [run, pipelines, approvals, approve, deny, blame, refute, fork, replay];
}

/** `nova runs resume <id>` for a pipeline run. */
export async function resumePipelineRun(
  context: CommandContext,
  runId: string,
  json: boolean,
): Promise<void> {
  const nova = await context.openNova();
  try {
    const resumed = await nova.pipelines.resume(runId, { onEvent: onProgress(context, json) });
    report(context, await resumed.done, json);
  } finally {
    await nova.close();
  }
}
