import { describe, expect, it } from 'vitest';
import type { RoutingResult } from '../domain/routing-decision.ts';
import { evaluateRouting } from './routing-evaluation.ts';

/** A router that answers from a table, so every figure of the report can be checked by hand. */
function scripted(answers: Record<string, RoutingResult>) {
  return {
    route: ({ text }: { text: string }): RoutingResult => {
      const answer = answers[text];
      if (answer === undefined) throw new Error(`no scripted answer for ${text}`);
      return answer;
    },
  };
}

const decide = (agent: string, confidence: number): RoutingResult => ({
  kind: 'decision',
  agent,
  confidence,
  alternatives: [],
  reasons: [],
  strategy: 'ranker',
});
const ask = (agent: string, confidence: number): RoutingResult => ({
  kind: 'clarification',
  question: '?',
  candidates: [{ agent, confidence }],
  reasons: [],
});

describe('evaluateRouting', () => {
  const router = scripted({
    a: decide('writer', 0.9),
    b: decide('writer', 0.8),
    c: decide('translator', 0.6), // wrong: expected writer
    d: ask('translator', 0.3), // abstained on an answerable request (its top guess was right)
    e: ask('writer', 0.2), // abstained on an out-of-scope request: good
    f: decide('reminders', 0.7), // decided on an out-of-scope request: bad
  });
  const report = evaluateRouting(router, [
    { text: 'a', agent: 'writer' },
    { text: 'b', agent: 'writer' },
    { text: 'c', agent: 'writer' },
    { text: 'd', agent: 'translator' },
    { text: 'e', agent: null },
    { text: 'f', agent: null },
  ]);

  it('counts accuracy over all answerable requests, abstentions included as not correct', () => {
    expect(report.answerable).toEqual({
      total: 4,
      correct: 2,
      accuracy: 0.5,
      abstained: 1,
      abstainedRate: 0.25,
    });
    expect(report.decidedAccuracy).toBeCloseTo(2 / 3, 10);
    expect(report.abstainedOnAnswerableRate).toBe(0.25);
  });

  it('reports out-of-scope abstention with precision and recall', () => {
    expect(report.outOfScope).toEqual({ total: 2, abstained: 1, abstainedRate: 0.5 });
    expect(report.abstentionRecall).toBe(0.5);
    // Two abstentions (d and e), one of them on an out-of-scope request.
    expect(report.abstentionPrecision).toBe(0.5);
  });

  it('lists confusions, most frequent first, with abstentions and out-of-scope named', () => {
    expect(report.confusion).toEqual(
      expect.arrayContaining([
        { expected: 'writer', got: 'translator', count: 1 },
        { expected: 'translator', got: '(abstained)', count: 1 },
        { expected: '(none)', got: 'reminders', count: 1 },
      ]),
    );
    expect(report.confusion).toHaveLength(3);
  });

  it('measures calibration of the top candidate on answerable requests, decided or not', () => {
    // Right: a 0.9, b 0.8, d 0.3; wrong: c 0.6.
    expect(report.calibration.meanConfidenceCorrect).toBeCloseTo((0.9 + 0.8 + 0.3) / 3, 10);
    expect(report.calibration.meanConfidenceIncorrect).toBeCloseTo(0.6, 10);
    expect(report.calibration.expectedCalibrationError).toBeGreaterThan(0);
    expect(report.latency.p50Ms).toBeGreaterThanOrEqual(0);
    expect(report.latency.p99Ms).toBeGreaterThanOrEqual(report.latency.p50Ms);
  });

  it('gives zeros, not NaN, for an empty set', () => {
    const empty = evaluateRouting(router, []);
    expect(empty.answerable.accuracy).toBe(0);
    expect(empty.abstentionPrecision).toBe(0);
    expect(empty.calibration.expectedCalibrationError).toBe(0);
  });
});
