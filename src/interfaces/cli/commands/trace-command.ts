import { Command } from 'commander';
import { buildTraceTree, type TraceNode } from '../../../app/trace-tree.ts';
import type { CommandContext } from '../main.ts';
import { formatTraceTree } from '../trace-format.ts';

interface JsonNode {
  readonly name: string;
  readonly kind: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly status: string;
  readonly startTime: string;
  readonly endTime?: string;
  readonly durationMs?: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number | null;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly children: JsonNode[];
}

function toJson(node: TraceNode): JsonNode {
  const { span } = node;
  return {
    name: span.name,
    kind: span.kind,
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    status: span.status,
    startTime: span.startTime,
    ...(span.endTime === undefined ? {} : { endTime: span.endTime }),
    ...(node.durationMs === undefined ? {} : { durationMs: node.durationMs }),
    inputTokens: node.inputTokens,
    outputTokens: node.outputTokens,
    costUsd: node.costUsd,
    attributes: span.attributes,
    children: node.children.map(toJson),
  };
}

/** `nova trace <run>`: the run's spans as a tree (a delegated run under its delegate call). */
export function traceCommand(context: CommandContext): Command {
  return new Command('trace')
    .description(
      'the spans of a run as a tree: turns, model and tool calls, delegated runs; durations, tokens, cost',
    )
    .argument('<run>', 'run id (a delegated run shows its own subtree), or a pipeline run id (pipe_…)')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const { traceId, spans } = await nova.app.getTrace(runId);
        const tree = buildTraceTree(spans);
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ traceId, runId, spans: tree.map(toJson) }, null, 2)}\n`);
          return;
        }
        if (tree.length === 0) {
          context.io.writeOut(
            `No spans recorded for ${runId} (tracing was off, or the run reused an earlier outcome).\n`,
          );
          return;
        }
        // A pipeline run's steps downstream of a refuted assumption are marked.
        const suspects = runId.startsWith('pipe_')
          ? new Set(
              (await nova.pipelines.getRun(runId)).steps
                .filter((step) => step.suspect)
                .map((step) => step.stepId),
            )
          : new Set<string>();
        context.io.writeOut(`trace ${traceId}\n${formatTraceTree(tree, suspects)}\n`);
      } finally {
        await nova.close();
      }
    });
}
