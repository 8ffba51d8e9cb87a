import { describe, expect, it } from 'vitest';
import { createModelTieBreakStrategy } from './model-tie-break-strategy.ts';
import type { StrategyOutcome } from './routing-strategy.ts';

const profiles = new Map([
  ['erp-crm', { title: 'ERP CRM', description: 'pipeline and customer data' }],
  ['erp-sales', { title: 'ERP Sales', description: 'orders and pricing' }],
]);
const unsure: StrategyOutcome = {
  kind: 'passed',
  reasons: ['not sure: best confidence 0.15 (erp-crm) is below 0.2'],
  clarification: {
    kind: 'clarification',
    question: 'Which of these should handle it: erp-crm, erp-sales?',
    candidates: [
      { agent: 'erp-crm', confidence: 0.15 },
      { agent: 'erp-sales', confidence: 0.12 },
    ],
    reasons: [],
  },
};

describe('model tie-break strategy', () => {
  it('lets the model pick among the unsure candidates only', async () => {
    const asked: string[][] = [];
    const strategy = createModelTieBreakStrategy({
      profiles,
      choose: async ({ candidates }) => {
        asked.push(candidates.map((candidate) => candidate.agent));
        return 'erp-sales';
      },
    });
    const outcome = await strategy.route(
      { text: 'why was this quote priced so high' },
      { previous: [unsure] },
    );
    expect(outcome).toMatchObject({
      kind: 'decided',
      decision: { agent: 'erp-sales', strategy: 'model', confidence: 0.12 },
    });
    expect(asked).toEqual([['erp-crm', 'erp-sales']]);
  });

  it('keeps the question when the model names no candidate or fails, and stays out of vague or out-of-scope cases', async () => {
    const outside = createModelTieBreakStrategy({ profiles, choose: async () => 'devops' });
    expect(await outside.route({ text: 'x' }, { previous: [unsure] })).toMatchObject({
      kind: 'passed',
      reasons: [expect.stringContaining('named no candidate')],
    });
    const failing = createModelTieBreakStrategy({ profiles, choose: () => Promise.reject(new Error('503')) });
    expect(await failing.route({ text: 'x' }, { previous: [unsure] })).toMatchObject({
      kind: 'passed',
      reasons: ['model tie-break failed: 503'],
    });
    let called = false;
    const idle = createModelTieBreakStrategy({
      profiles,
      choose: async () => {
        called = true;
        return 'erp-crm';
      },
    });
    const vague: StrategyOutcome = { ...unsure, reasons: ['too vague: 0 word(s)'] };
    expect(await idle.route({ text: 'x' }, { previous: [vague] })).toEqual({ kind: 'passed', reasons: [] });
    expect(called).toBe(false);
  });
});
