import readline from 'node:readline/promises';
import { Command } from 'commander';
import type { RoutingDecision } from '../../../domain/routing-decision.ts';
import { parseMention } from '../../../routing/router.ts';
import { clarificationExitCode } from '../exit-codes.ts';
import { formatRouting } from './route-command.ts';
import type { RunEvent } from '../../../domain/run-event.ts';
import { totalTokens } from '../../../domain/usage.ts';
import { formatDuration, runDurationMs, shorten } from '../format.ts';
import { exitCodeFor } from '../exit-codes.ts';
import type { CommandContext } from '../main.ts';

export function askCommand(context: CommandContext): Command {
  return new Command('ask')
    .description('give a task to an agent; streams the answer and prints the run id')
    .argument('<task...>', 'what you want done (quote it, or write it as several words)')
    .option(
      '-a, --agent <name>',
      'the agent to use (default: the router chooses; @name at the start of the task works too)',
    )
    .option('-p, --project <id>', 'the project the task is about')
    .option(
      '-f, --follow-up <run-id>',
      'continue a conversation: the earlier questions and answers up to that run (or "last", the newest) become context, and its agent takes the task unless the router is sure of another',
    )
    .option('--fresh', 'run it even if an equal task succeeded recently (otherwise that result is reused)')
    .option('--json', 'print one JSON object with the run and its outcome instead of streaming')
    .action(
      async (
        words: string[],
        options: { agent?: string; project?: string; followUp?: string; fresh?: boolean; json?: boolean },
      ) => {
        const { io } = context;
        const nova = await context.openNova();
        const controller = new AbortController();
        const onSignal = (): void => controller.abort();
        process.once('SIGINT', onSignal);
        try {
          let streamedText = false;
          // Adapters that cannot stream deliver the answer only at the end; print it then.
          let streamedInLastModelCall = false;
          const onEvent = (event: RunEvent): void => {
            if (options.json) return;
            switch (event.type) {
              case 'run-start':
                io.writeError(`▸ ${event.agent} · ${event.model} · ${event.runId}\n`);
                break;
              case 'text-delta':
                streamedText = true;
                streamedInLastModelCall = true;
                io.writeOut(event.delta);
                break;
              case 'step-start':
                if (event.step.kind === 'model-call') streamedInLastModelCall = false;
                if (event.step.kind === 'tool-call') {
                  const input = (event.step.input as { input?: unknown }).input;
                  io.writeError(`  → ${event.step.name} ${shorten(JSON.stringify(input) ?? '', 120)}\n`);
                }
                break;
              case 'step-end':
                if (event.step.kind === 'tool-call') {
                  const mark =
                    event.step.status === 'failed'
                      ? `✗ ${event.step.name}: ${shorten(event.step.error?.message ?? '', 160)}`
                      : `✓ ${event.step.name}`;
                  io.writeError(`  ${mark} · ${formatDuration(event.step.durationMs)}\n`);
                } else if (streamedText && event.step.status === 'succeeded') {
                  // Text of a turn that also called tools: end its line before tool progress.
                  io.writeOut('\n');
                  streamedText = false;
                }
                break;
              case 'run-end':
                break;
            }
          };
          let text = words.join(' ');
          let agent = options.agent;
          let routing: RoutingDecision | undefined;
          const follows = options.followUp ? await nova.app.resolveFollowUp(options.followUp) : undefined;
          if (follows && !options.json)
            io.writeError(
              `↳ following up ${follows.id} (${follows.agent}): ${shorten(follows.task.text, 80)}\n`,
            );
          if (!agent) {
            const routed = await nova.app.routeAsync({
              text,
              ...(options.project ? { projectId: options.project } : {}),
              ...(follows ? { followsRunId: follows.id } : {}),
              signal: controller.signal,
            });
            if (routed.kind === 'clarification') {
              const choice = options.json
                ? undefined
                : await askToChoose(
                    context,
                    formatRouting(routed),
                    routed.candidates.map((candidate) => candidate.agent),
                  );
              if (!choice) {
                const pending = await nova.app.recordClarification({
                  text,
                  ...(options.project ? { projectId: options.project } : {}),
                  clarification: routed,
                });
                if (options.json)
                  io.writeOut(
                    `${JSON.stringify({ clarification: { ...routed, id: pending.id } }, null, 2)}\n`,
                  );
                else {
                  io.writeError(`${formatRouting(routed)}\n`);
                  io.writeError(
                    `Answer to continue this task: nova answer ${pending.id} --agent ${routed.candidates[0]?.agent ?? '<name>'}\n`,
                  );
                }
                context.setExitCode(clarificationExitCode);
                return;
              }
              agent = choice;
            } else {
              agent = routed.agent;
              routing = routed;
              if (routed.strategy === 'explicit') text = parseMention(text)?.text ?? text;
              if (!options.json) io.writeError(`→ ${formatRouting(routed).split('\n')[0]}\n`);
            }
          }
          const run = await nova.app.ask({
            text,
            agent,
            ...(routing ? { routing } : {}),
            ...(options.fresh ? { fresh: true } : {}),
            ...(options.project ? { projectId: options.project } : {}),
            ...(follows ? { followUp: follows.id } : {}),
            signal: controller.signal,
            onEvent,
          });
          const steps = (await nova.app.getRun(run.id)).steps.length;
          if (options.json) {
            io.writeOut(
              `${JSON.stringify(
                {
                  runId: run.id,
                  agent: run.agent,
                  model: run.model,
                  status: run.status,
                  output: run.outcome?.output ?? null,
                  outcome: run.outcome ?? null,
                  reusedFromRunId: run.reusedFromRunId ?? null,
                  error: run.error ?? null,
                  usage: run.usage,
                  steps,
                },
                null,
                2,
              )}\n`,
            );
          } else {
            if (run.reusedFromRunId)
              io.writeError(
                `♻ reused the result of run ${run.reusedFromRunId} (an equal task; --fresh runs it again)\n`,
              );
            if (run.status === 'succeeded' && !streamedInLastModelCall) {
              const output = run.outcome?.output;
              io.writeOut(`${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n`);
            }
            if (run.status !== 'succeeded')
              io.writeError(`nova: run ${run.status}: ${run.error?.message ?? ''}\n`);
            io.writeError(
              `run ${run.id} ${run.status} · ${steps} steps · ${totalTokens(run.usage)} tokens · ${formatDuration(runDurationMs(run))}\n`,
            );
          }
          if (run.status !== 'succeeded') context.setExitCode(exitCodeFor(run.error?.code ?? 'INTERNAL'));
        } finally {
          process.off('SIGINT', onSignal);
          await nova.close();
        }
      },
    );
}

/** On a terminal, asks the person to pick a candidate; elsewhere returns undefined. */
async function askToChoose(
  context: CommandContext,
  question: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  if (!context.io.interactive || !process.stdin.isTTY || candidates.length === 0) return undefined;
  context.io.writeError(`${question}\n`);
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`Pick 1-${candidates.length} (or Enter to stop): `)).trim();
    const index = Number(answer) - 1;
    return Number.isInteger(index) ? candidates[index] : candidates.find((candidate) => candidate === answer);
  } finally {
    prompt.close();
  }
}

/** `nova answer <clarification-id> --agent <name>`: continues a task Nova asked about. */
export function answerCommand(context: CommandContext): Command {
  return new Command('answer')
    .description(
      'answer the question Nova asked instead of guessing: the same task runs with the agent you name',
    )
    .argument('<clarification-id>', 'the id in the question (clar_…)')
    .requiredOption('-a, --agent <name>', 'the agent that should take the task')
    .option('--fresh', 'run even if an equal task succeeded recently')
    .option('--json', 'print the run as JSON')
    .action(async (id: string, options: { agent: string; fresh?: boolean; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const started = await nova.app.answerClarification(
          id,
          options.agent,
          options.fresh ? { fresh: true } : {},
        );
        const run = await started.done;
        if (options.json) context.io.writeOut(`${JSON.stringify({ run }, null, 2)}\n`);
        else if (run.status === 'succeeded') {
          const output = run.outcome?.output;
          context.io.writeOut(`${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n`);
        } else context.io.writeError(`nova: run ${run.id} ${run.status}: ${run.error?.message ?? ''}\n`);
        context.io.writeError(`run ${run.id} (${run.agent})\n`);
        if (run.status !== 'succeeded') context.setExitCode(exitCodeFor(run.error?.code ?? 'INTERNAL'));
      } finally {
        await nova.close();
      }
    });
}
