import { describe, expect, it } from 'vitest';
import { extractOutcome } from './outcome-extraction.ts';

describe('extractOutcome', () => {
  it('reads assumptions, open questions and confidence from a text answer', () => {
    const text = [
      'Stock for SKU-1 is 40 units.',
      '',
      'Assumptions:',
      '- the warehouse is WH-MAIN',
      '- counts are from last night',
      '',
      'Open questions:',
      '1. should reserved stock count?',
      'Confidence: 0.8',
    ].join('\n');
    const outcome = extractOutcome({ runId: 'run_1', text, output: text, contextIds: [] });
    expect(outcome.assumptions).toEqual([
      { id: 'run_1.a1', text: 'the warehouse is WH-MAIN' },
      { id: 'run_1.a2', text: 'counts are from last night' },
    ]);
    expect(outcome.openQuestions).toEqual(['should reserved stock count?']);
    expect(outcome.confidence).toBe(0.8);
  });

  it('reads the same fields from a JSON answer, and cites context ids as evidence', () => {
    const output = {
      total: 3,
      assumptions: ['amounts exclude VAT', { text: 'EUR only' }],
      openQuestions: [],
      confidence: '90%',
    };
    const outcome = extractOutcome({ runId: 'r', text: 'see ctx_2', output, contextIds: ['ctx_1', 'ctx_2'] });
    expect(outcome.assumptions.map((item) => item.text)).toEqual(['amounts exclude VAT', 'EUR only']);
    expect(outcome.confidence).toBe(0.9);
    expect(outcome.evidence).toEqual(['ctx_2']);
  });

  it('finds nothing in a plain answer, and ignores out-of-range confidence', () => {
    const outcome = extractOutcome({
      runId: 'r',
      text: 'Hello! Confidence: 7',
      output: 'Hello!',
      contextIds: [],
    });
    expect(outcome).toMatchObject({ assumptions: [], openQuestions: [], evidence: [] });
    expect(outcome.confidence).toBeUndefined();
  });
});
