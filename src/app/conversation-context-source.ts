import { createHash } from 'node:crypto';
import type { ContextCandidate } from '../context/pack-context.ts';
import type { TokenCounter } from '../context/token-counter.ts';
import type { ContextItem } from '../domain/context-item.ts';
import type { Run } from '../domain/run.ts';
import type { ContextSource } from '../ports/context-source.ts';

const runPrefix = 'run://';
const turnSuffix = '/turn';

/** How much less an earlier turn is worth than the one after it. */
const decayPerTurn = 0.85;

function answerOf(run: Run): string {
  if (run.outcome) {
    const output = run.outcome.output;
    return typeof output === 'string' ? output : JSON.stringify(output);
  }
  return run.error
    ? `(no answer: ${run.error.code}: ${run.error.message})`
    : `(no answer: the run is ${run.status})`;
}

function toItem(run: Run, counter: TokenCounter): ContextItem {
  const content = `Earlier in this conversation (${run.endedAt ?? run.startedAt}, answered by ${run.agent}):\nQ: ${run.task.text}\nA: ${answerOf(run)}`;
  const tainted = (run.task.taint?.length ?? 0) > 0 || (run.outcome?.tainted?.length ?? 0) > 0;
  return {
    id: `conv-${run.id}`,
    kind: 'conversation',
    content,
    provenance: {
      sourceUri: `${runPrefix}${run.id}${turnSuffix}`,
      observedAt: run.endedAt ?? run.startedAt,
      contentHash: createHash('sha256').update(content).digest('hex'),
      // An answer built on untrusted content carries its taint into the next turn.
      trust: tainted ? 'untrusted' : 'trusted',
    },
    tokens: counter.count(content),
  };
}

/**
 * The conversation as context: for a follow-up task (`followsRunId`), the earlier turns it
 * follows, newest first (each a question and its answer, with the run as provenance), so the
 * agent knows what "it", "that" and "now in French" refer to. Older turns rank lower and are
 * the first left out when the budget is tight.
 */
export class ConversationContextSource implements ContextSource {
  readonly #getRun: (runId: string) => Promise<Run | undefined>;
  readonly #maxTurns: number;

  constructor(getRun: (runId: string) => Promise<Run | undefined>, maxTurns = 8) {
    this.#getRun = getRun;
    this.#maxTurns = maxTurns;
  }

  async candidates(input: { followsRunId?: string; counter: TokenCounter }): Promise<ContextCandidate[]> {
    const turns: Run[] = [];
    const seen = new Set<string>();
    let next = input.followsRunId;
    while (next !== undefined && turns.length < this.#maxTurns && !seen.has(next)) {
      seen.add(next);
      const run = await this.#getRun(next);
      if (!run) break;
      turns.push(run);
      next = run.task.followsRunId;
    }
    return turns.map((run, index) => ({ ...toItem(run, input.counter), relevance: decayPerTurn ** index }));
  }

  async refresh(
    item: ContextItem,
    _projects: unknown,
    counter: TokenCounter,
  ): Promise<
    { state: 'fresh'; item: ContextItem } | { state: 'refreshed'; item: ContextItem } | { state: 'gone' }
  > {
    const uri = item.provenance.sourceUri;
    const runId = uri.slice(runPrefix.length, uri.length - turnSuffix.length);
    const run = await this.#getRun(runId);
    if (!run) return { state: 'gone' };
    const current = toItem(run, counter);
    return current.provenance.contentHash === item.provenance.contentHash
      ? { state: 'fresh', item }
      : { state: 'refreshed', item: { ...current, id: item.id } };
  }
}
