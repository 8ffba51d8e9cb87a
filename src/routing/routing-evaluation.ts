import { NovaError } from '../domain/nova-error.ts';
import { calibrationReport } from './confidence-calibration.ts';
import type { Router } from './router.ts';

export interface LabeledRequest {
  readonly text: string;
  /** null: no agent should take it. */
  readonly agent: string | null;
}

export interface RoutingReport {
  readonly answerable: {
    readonly total: number;
    readonly correct: number;
    readonly accuracy: number;
    readonly abstained: number;
    readonly abstainedRate: number;
  };
  /** Accuracy among answerable requests the router did decide on. */
  readonly decidedAccuracy: number;
  readonly outOfScope: { readonly total: number; readonly abstained: number; readonly abstainedRate: number };
  /** Share of abstentions that were on out-of-scope requests. */
  readonly abstentionPrecision: number;
  /** Share of out-of-scope requests abstained on. */
  readonly abstentionRecall: number;
  /** Share of answerable requests abstained on (asked although an agent fitted). */
  readonly abstainedOnAnswerableRate: number;
  /**
   * How well the top candidate's confidence (decided or not) predicts that it is the labelled
   * agent, over answerable requests.
   */
  readonly calibration: {
    readonly expectedCalibrationError: number;
    readonly meanConfidenceCorrect: number;
    readonly meanConfidenceIncorrect: number;
  };
  readonly confusion: ReadonlyArray<{
    readonly expected: string;
    readonly got: string;
    readonly count: number;
  }>;
  readonly latency: { readonly p50Ms: number; readonly p99Ms: number };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Scores a router on labelled requests. A correct answer on an answerable request is a decision
 * for the labelled agent; a clarification there counts as an abstention (not correct).
 */
export function evaluateRouting(
  router: Pick<Router, 'route'> & { readonly agentNames?: readonly string[] },
  labeled: readonly LabeledRequest[],
): RoutingReport {
  let answerable = 0;
  let correct = 0;
  let abstainedAnswerable = 0;
  let outOfScope = 0;
  let abstainedOutOfScope = 0;
  const confusion = new Map<string, number>();
  const latencies: number[] = [];
  const predictions: Array<{ confidence: number; correct: boolean }> = [];
  for (const request of labeled) {
    const started = performance.now();
    const result = router.route({ text: request.text });
    latencies.push(performance.now() - started);
    const got = result.kind === 'decision' ? result.agent : '(abstained)';
    if (request.agent === null) {
      outOfScope += 1;
      if (result.kind === 'clarification') abstainedOutOfScope += 1;
      else confusion.set(`(none)\u0000${got}`, (confusion.get(`(none)\u0000${got}`) ?? 0) + 1);
      continue;
    }
    answerable += 1;
    const top =
      result.kind === 'decision'
        ? { agent: result.agent, confidence: result.confidence }
        : result.candidates[0];
    if (top !== undefined)
      predictions.push({ confidence: top.confidence, correct: top.agent === request.agent });
    if (result.kind === 'clarification') abstainedAnswerable += 1;
    if (got === request.agent) correct += 1;
    else
      confusion.set(`${request.agent}\u0000${got}`, (confusion.get(`${request.agent}\u0000${got}`) ?? 0) + 1);
  }
  const abstained = abstainedAnswerable + abstainedOutOfScope;
  latencies.sort((a, b) => a - b);
  const meanConfidence = (correct: boolean): number => {
    const matching = predictions.filter((prediction) => prediction.correct === correct);
    return matching.length === 0
      ? 0
      : matching.reduce((sum, prediction) => sum + prediction.confidence, 0) / matching.length;
  };
  return {
    answerable: {
      total: answerable,
      correct,
      accuracy: answerable === 0 ? 0 : correct / answerable,
      abstained: abstainedAnswerable,
      abstainedRate: answerable === 0 ? 0 : abstainedAnswerable / answerable,
    },
    decidedAccuracy:
      answerable - abstainedAnswerable === 0 ? 0 : correct / (answerable - abstainedAnswerable),
    outOfScope: {
      total: outOfScope,
      abstained: abstainedOutOfScope,
      abstainedRate: outOfScope === 0 ? 0 : abstainedOutOfScope / outOfScope,
    },
    abstentionPrecision: abstained === 0 ? 0 : abstainedOutOfScope / abstained,
    abstentionRecall: outOfScope === 0 ? 0 : abstainedOutOfScope / outOfScope,
    abstainedOnAnswerableRate: answerable === 0 ? 0 : abstainedAnswerable / answerable,
    calibration: {
      expectedCalibrationError: calibrationReport(predictions).expectedCalibrationError,
      meanConfidenceCorrect: meanConfidence(true),
      meanConfidenceIncorrect: meanConfidence(false),
    },
    confusion: [...confusion]
      .map(([key, count]) => {
        const [expected = '', got = ''] = key.split('\u0000');
        return { expected, got, count };
      })
      .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
    latency: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) },
  };
}

export interface RouteRequestLine {
  readonly id: unknown;
  readonly text: string;
}

/**
 * Parses JSONL: `labeled` lines are `{"text", "agent"}` (agent a name or null), `requests` lines are
 * `{"id", "text"}`. Blank lines are skipped; errors name the line.
 */
export function parseRoutingJsonl(text: string, kind: 'labeled'): LabeledRequest[];
export function parseRoutingJsonl(text: string, kind: 'requests'): RouteRequestLine[];
export function parseRoutingJsonl(
  text: string,
  kind: 'labeled' | 'requests',
): LabeledRequest[] | RouteRequestLine[] {
  const rows: Array<LabeledRequest | RouteRequestLine> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new NovaError('BAD_REQUEST', `line ${number}: not valid JSON: ${(error as Error).message}`, {
        details: { line: number },
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new NovaError('BAD_REQUEST', `line ${number}: expected a JSON object like {"text": "..."}`, {
        details: { line: number },
      });
    }
    const record = value as Record<string, unknown>;
    if (typeof record.text !== 'string' || record.text.trim() === '') {
      throw new NovaError('BAD_REQUEST', `line ${number}: field \`text\` must be a non-empty string`, {
        details: { line: number },
      });
    }
    if (kind === 'labeled') {
      if (!('agent' in record) || (record.agent !== null && typeof record.agent !== 'string')) {
        throw new NovaError(
          'BAD_REQUEST',
          `line ${number}: field \`agent\` must be an agent name or null (for requests no agent should take)`,
          {
            details: { line: number },
          },
        );
      }
      rows.push({ text: record.text, agent: record.agent });
    } else {
      rows.push({ id: record.id ?? number, text: record.text });
    }
  });
  return rows as LabeledRequest[] | RouteRequestLine[];
}
