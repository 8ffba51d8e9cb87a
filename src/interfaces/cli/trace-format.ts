import type { TraceNode } from '../../app/trace-tree.ts';
import { formatDuration, shorten } from './format.ts';

const marks = { ok: '✓', error: '✗', unset: '…' } as const;

function formatCost(costUsd: number | null): string {
  if (costUsd === null) return 'cost unknown';
  if (costUsd === 0) return '$0';
  return costUsd < 0.01 ? `$${costUsd.toFixed(6)}` : `$${costUsd.toFixed(4)}`;
}

function describe(node: TraceNode, suspectSteps: ReadonlySet<string>): string {
  const { span } = node;
  const parts = [
    `${marks[span.status]} ${span.name}`,
    node.durationMs === undefined ? 'not ended' : formatDuration(node.durationMs),
  ];
  if (node.modelCalls > 0) {
    parts.push(
      `${node.inputTokens + node.outputTokens} tokens (${node.inputTokens} in, ${node.outputTokens} out)`,
    );
    parts.push(formatCost(node.costUsd));
  }
  const stepId = span.attributes['nova.step.id'];
  if (span.kind === 'step' && typeof stepId === 'string' && suspectSteps.has(stepId)) parts.push('SUSPECT');
  const runId = span.attributes['nova.run.id'];
  if (span.kind === 'invoke_agent' && typeof runId === 'string') parts.push(runId);
  if (span.status === 'error') {
    const type = span.attributes['error.type'];
    const message = span.attributes['nova.error.message'];
    parts.push(
      `${typeof type === 'string' ? type : 'error'}: ${shorten(typeof message === 'string' ? message : '', 100)}`,
    );
  }
  return parts.join(' · ');
}

/** An indented tree, one span a line: status, name, duration, tokens and cost below it, errors. */
export function formatTraceTree(
  roots: readonly TraceNode[],
  suspectSteps: ReadonlySet<string> = new Set(),
): string {
  const lines: string[] = [];
  const walk = (node: TraceNode, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${describe(node, suspectSteps)}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines.join('\n');
}
