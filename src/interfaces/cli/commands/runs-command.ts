import { Command, InvalidArgumentError, Option } from 'commander';
import { runStatuses, type RunStatus } from '../../../domain/run.ts';
import { totalTokens } from '../../../domain/usage.ts';
import { formatDuration, formatRunDetail, runDurationMs, shorten, table } from '../format.ts';
import type { CommandContext } from '../main.ts';
import { exitCodeFor } from '../exit-codes.ts';
import { formatPipelineRun, resumePipelineRun } from './pipeline-commands.ts';

/** `--status`, limited to the statuses a run can have. */
const runStatusOption = (): Option =>
  new Option('--status <status>', 'only runs with this status').choices(runStatuses);

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 10_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  }
  return number;
}

export function runsCommands(context: CommandContext): Command {
  const runs = new Command('runs').description('inspect runs recorded in the journal');

  runs
    .command('list')
    .description('recent runs, newest first')
    .option('-n, --limit <count>', 'how many', positiveInteger, 20)
    .addOption(runStatusOption())
    .option('-a, --agent <name>', 'only runs of this agent')
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; status?: RunStatus; agent?: string; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const list = await nova.app.listRuns({
          limit: options.limit,
          ...(options.status ? { status: options.status } : {}),
          ...(options.agent ? { agent: options.agent } : {}),
        });
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ runs: list }, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          context.io.writeOut('No runs yet. Try: nova ask "hello" --agent assistant\n');
          return;
        }
        context.io.writeOut(
          `${table([
            ['RUN', 'STATUS', 'AGENT', 'STARTED', 'TIME', 'TOKENS', 'TASK'],
            ...list.map((run) => [
              run.id,
              run.status,
              run.agent,
              run.startedAt.replace('T', ' ').slice(0, 19),
              formatDuration(runDurationMs(run)),
              String(totalTokens(run.usage)),
              shorten(run.task.text, 60),
            ]),
          ])}\n`,
        );
      } finally {
        await nova.close();
      }
    });

  runs
    .command('show')
    .description('a run with every step, its input and output')
    .argument('<id>', 'run id')
    .option('--full', 'print inputs and outputs whole instead of shortened')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { full?: boolean; json?: boolean }) => {
      if (id.startsWith('pipe_')) {
        const nova = await context.openNova();
        try {
          const view = await nova.pipelines.getRun(id);
          context.io.writeOut(
            options.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatPipelineRun(view)}\n`,
          );
        } finally {
          await nova.close();
        }
        return;
      }
      const nova = await context.openNova();
      try {
        const { run, steps, children } = await nova.app.getRun(id);
        if (options.json) context.io.writeOut(`${JSON.stringify({ run, steps, children }, null, 2)}\n`);
        else context.io.writeOut(`${formatRunDetail(run, steps, options.full === true, children)}\n`);
      } finally {
        await nova.close();
      }
    });

  runs
    .command('resume')
    .description('continue a run a stopped process left interrupted (or a pipeline run that failed or waits)')
    .argument('<id>', 'run id (run_… or pipe_…)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      if (id.startsWith('pipe_')) {
        await resumePipelineRun(context, id, options.json === true);
        return;
      }
      const nova = await context.openNova();
      try {
        const run = await nova.app.resumeRun(id);
        if (options.json) context.io.writeOut(`${JSON.stringify({ run }, null, 2)}\n`);
        else if (run.status === 'succeeded') {
          const output = run.outcome?.output;
          context.io.writeOut(`${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n`);
        } else context.io.writeError(`nova: run ${run.id} ${run.status}: ${run.error?.message ?? ''}\n`);
        context.io.writeError(`resumed ${id} as ${run.id}\n`);
        if (run.status !== 'succeeded') context.setExitCode(exitCodeFor(run.error?.code ?? 'INTERNAL'));
      } finally {
        await nova.close();
      }
    });

  return runs;
}
