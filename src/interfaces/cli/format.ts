import type { Run } from '../../domain/run.ts';
import type { Step } from '../../domain/step.ts';
import { totalTokens } from '../../domain/usage.ts';
import { formatConfidence } from '../../domain/routing-decision.ts';

/** Left-aligned columns; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

export function runDurationMs(run: Run): number | undefined {
  return run.endedAt ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : undefined;
}

/** The context manifest: what the agent was given, what was left out and why, what had gone stale. */
function contextLines(run: Run): string[] {
  const pack = run.context;
  if (pack.items.length === 0 && pack.excluded.length === 0 && !pack.stale?.length) return [];
  return [
    '',
    `context  ${pack.items.length} item(s), ${pack.tokensUsed}/${pack.tokenBudget} tokens${pack.tokenizer ? ` (${pack.tokenizer})` : ''}`,
    ...pack.items.map(
      (item) =>
        `  + [${item.id}] ${item.provenance.sourceUri} · ${item.tokens} tokens · ${item.provenance.trust} · observed ${item.provenance.observedAt}`,
    ),
    ...pack.excluded.map((item) => `  - [${item.id}] ${item.sourceUri} · left out: ${item.reason}`),
    ...(pack.stale ?? []).map(
      (item) => `  ! [${item.id}] ${item.sourceUri} · stale: changed since it was observed, ${item.action}`,
    ),
    ...(run.outcome?.evidence.length ? [`  evidence used: ${run.outcome.evidence.join(', ')}`] : []),
  ];
}

const statusMarks: Record<Step['status'], string> = { started: '…', succeeded: '✓', failed: '✗' };

function renderValue(value: unknown, full: boolean): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, full ? 2 : undefined);
  return full ? text : shorten(text ?? '', 300);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** `nova runs show`: the run, then each step with its input and output. */
export function formatRunDetail(
  run: Run,
  steps: readonly Step[],
  full: boolean,
  children: readonly Run[] = [],
): string {
  const lines = [
    `run      ${run.id}`,
    `agent    ${run.agent}`,
    `model    ${run.model}`,
    `status   ${run.status}${run.error ? ` (${run.error.code})` : ''}`,
    `task     ${run.task.text}`,
    ...(run.task.projectId ? [`project  ${run.task.projectId}`] : []),
    ...(run.parentRunId ? [`parent   ${run.parentRunId}`] : []),
    ...(run.task.followsRunId ? [`follows  ${run.task.followsRunId} (a follow-up in its conversation)`] : []),
    ...(run.reusedFromRunId
      ? [`reused   the result of ${run.reusedFromRunId} (an equal task; nothing was executed)`]
      : []),
    ...(run.task.routing
      ? [
          `routed   ${run.task.routing.strategy}, confidence ${formatConfidence(run.task.routing.confidence)}: ${run.task.routing.reasons.join('; ')}`,
        ]
      : []),
    ...(run.task.handoff
      ? [
          `handoff  from ${run.task.handoff.fromAgent} (${run.task.handoff.fromRunId})`,
          ...run.task.handoff.assumptions.map(
            (assumption) => `         assumed [${assumption.id}] ${assumption.text}`,
          ),
        ]
      : []),
    `started  ${run.startedAt}`,
    `duration ${formatDuration(runDurationMs(run))}`,
    `tokens   ${totalTokens(run.usage)} (${run.usage.inputTokens} in, ${run.usage.outputTokens} out)`,
    ...(run.error ? [`error    ${run.error.message}`] : []),
    ...contextLines(run),
    '',
    `steps (${steps.length})`,
  ];
  for (const step of steps) {
    const usage = step.usage ? ` · ${step.usage.inputTokens}→${step.usage.outputTokens} tokens` : '';
    lines.push(
      `  #${step.seq} ${statusMarks[step.status]} ${step.kind} ${step.name} · ${formatDuration(step.durationMs)}${usage}`,
    );
    lines.push(indent(`in:  ${renderValue(step.input, full)}`, '      '));
    if (step.output !== undefined) lines.push(indent(`out: ${renderValue(step.output, full)}`, '      '));
    if (step.error) lines.push(indent(`error: ${step.error.code}: ${step.error.message}`, '      '));
    if (step.status === 'started') lines.push('      (did not finish: the process stopped during this step)');
  }
  if (children.length > 0) {
    lines.push('', `delegated (${children.length})`);
    for (const child of children) {
      lines.push(`  ${child.id} → ${child.agent} · ${child.status} · ${shorten(child.task.text, 70)}`);
      for (const assumption of child.task.handoff?.assumptions ?? [])
        lines.push(`      assumed [${assumption.id}] ${assumption.text}`);
    }
  }
  if (run.outcome) {
    lines.push('', 'output', indent(renderValue(run.outcome.output, true), '  '));
  }
  return lines.join('\n');
}
