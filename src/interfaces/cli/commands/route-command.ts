import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { createFileRankerCache, defaultCacheDir } from '../../../adapters/fs/file-ranker-cache.ts';
import { loadAgentProfiles } from '../../../routing/load-agent-profiles.ts';
import { NovaError } from '../../../domain/nova-error.ts';
import { formatConfidence, type RoutingResult } from '../../../domain/routing-decision.ts';
import { createRouter, type Router } from '../../../routing/router.ts';
import { evaluateRouting, parseRoutingJsonl } from '../../../routing/routing-evaluation.ts';
import type { CommandContext } from '../main.ts';

/** The router over `--agents <dir>` when given, else Nova's own (config rules and thresholds included). */
async function withRouter<T>(
  context: CommandContext,
  agentsDir: string | undefined,
  use: (router: Pick<Router, 'route'>) => T,
): Promise<T> {
  if (agentsDir)
    return use(
      createRouter({
        agents: loadAgentProfiles(path.resolve(context.io.cwd, agentsDir)),
        cache: createFileRankerCache(path.join(defaultCacheDir(context.io.env), 'router')),
      }),
    );
  const nova = await context.openNova();
  try {
    return use({ route: (input) => nova.app.route(input) });
  } finally {
    await nova.close();
  }
}

function readInput(context: CommandContext, file: string): string {
  try {
    return file === '-'
      ? fs.readFileSync(0, 'utf8')
      : fs.readFileSync(path.resolve(context.io.cwd, file), 'utf8');
  } catch (error) {
    throw new NovaError('BAD_REQUEST', `cannot read ${file}: ${(error as Error).message}`);
  }
}

function toLine(id: unknown, result: RoutingResult) {
  const ranked =
    result.kind === 'decision'
      ? [{ agent: result.agent, confidence: result.confidence }, ...result.alternatives]
      : result.candidates;
  return {
    id,
    agent: result.kind === 'decision' ? result.agent : null,
    confidence: result.kind === 'decision' ? result.confidence : (result.candidates[0]?.confidence ?? 0),
    alternatives: ranked
      .filter((candidate) => result.kind !== 'decision' || candidate.agent !== result.agent)
      .slice(0, 3),
    abstained: result.kind === 'clarification',
    ...(result.kind === 'clarification' ? { question: result.question } : {}),
  };
}

export function formatRouting(result: RoutingResult): string {
  if (result.kind === 'clarification') {
    return [
      `? ${result.question}`,
      ...result.candidates.map(
        (candidate, index) =>
          `  ${index + 1}. ${candidate.agent} (${formatConfidence(candidate.confidence)})`,
      ),
      `  why: ${result.reasons.join('; ')}`,
    ].join('\n');
  }
  const alternatives = result.alternatives
    .map((candidate) => `${candidate.agent} ${formatConfidence(candidate.confidence)}`)
    .join(', ');
  return `${result.agent} (confidence ${formatConfidence(result.confidence)}; ${result.reasons.join('; ')})${alternatives ? `\n  alternatives: ${alternatives}` : ''}`;
}

export function routeCommand(context: CommandContext): Command {
  return new Command('route')
    .description('show which agent would take a request (or each line of a JSONL file), without running it')
    .argument('[text...]', 'the request')
    .option(
      '-f, --file <file>',
      'JSONL input, one {"id", "text"} per line ("-" for stdin); prints one JSON line per input',
    )
    .option(
      '--agents <dir>',
      'route among the agent files in this folder (only name, description and examples are needed)',
    )
    .option('--json', 'print JSON')
    .action(async (words: string[], options: { file?: string; agents?: string; json?: boolean }) => {
      if (!options.file && words.length === 0)
        throw new NovaError(
          'BAD_REQUEST',
          'give a request to route, e.g. nova route "reconcile the October bank account", or --file requests.jsonl',
        );
      await withRouter(context, options.agents, (router) => {
        if (options.file) {
          const requests = parseRoutingJsonl(readInput(context, options.file), 'requests');
          const lines = requests.map((request) =>
            JSON.stringify(toLine(request.id, router.route({ text: request.text }))),
          );
          context.io.writeOut(`${lines.join('\n')}\n`);
          return;
        }
        const result = router.route({ text: words.join(' ') });
        context.io.writeOut(
          options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatRouting(result)}\n`,
        );
      });
    });
}

export function evalCommand(context: CommandContext): Command {
  const evaluation = new Command('eval').description('measure Nova against labelled data');
  evaluation
    .command('routing')
    .description(
      'routing accuracy, abstention and latency on labelled requests ({"text", "agent"} per line; agent null = no agent should take it)',
    )
    .requiredOption('-f, --file <file>', 'labelled JSONL file')
    .option('--agents <dir>', 'route among the agent files in this folder')
    .option('--json', 'print JSON')
    .action(async (options: { file: string; agents?: string; json?: boolean }) => {
      const labeled = parseRoutingJsonl(readInput(context, options.file), 'labeled');
      const report = await withRouter(context, options.agents, (router) =>
        evaluateRouting({ agentNames: [], route: (input) => router.route(input) }, labeled),
      );
      if (options.json) {
        context.io.writeOut(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
      // A rate over no requests is not 0%: say there was nothing to measure.
      const rate = (value: number, total: number): string => (total === 0 ? 'n/a' : percent(value));
      const { answerable, outOfScope } = report;
      const decided = answerable.total - answerable.abstained;
      context.io.writeOut(
        [
          `requests          ${labeled.length} (${answerable.total} answerable, ${outOfScope.total} out of scope)`,
          answerable.total === 0
            ? 'accuracy          n/a (no answerable requests)'
            : `accuracy          ${percent(answerable.accuracy)} of answerable (${answerable.correct}/${answerable.total}); ${rate(report.decidedAccuracy, decided)} of those it decided`,
          `abstained         ${rate(outOfScope.abstainedRate, outOfScope.total)} of out-of-scope · ${rate(answerable.abstainedRate, answerable.total)} of answerable`,
          `abstention        precision ${rate(report.abstentionPrecision, answerable.abstained + outOfScope.abstained)} · recall ${rate(report.abstentionRecall, outOfScope.total)}`,
          `latency           p50 ${report.latency.p50Ms.toFixed(3)} ms · p99 ${report.latency.p99Ms.toFixed(3)} ms`,
          'most confused (expected → got)',
          ...report.confusion
            .slice(0, 10)
            .map((entry) => `  ${entry.expected} → ${entry.got}: ${entry.count}`),
          '',
        ].join('\n'),
      );
    });
  return evaluation;
}
