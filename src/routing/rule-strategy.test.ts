import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import type { RouteInput, StrategyOutcome } from './routing-strategy.ts';
import { createRuleStrategy } from './rule-strategy.ts';

const agents = ['erp-accounting', 'translator', 'devops', 'reviewer'];
const context = { previous: [] };
const strategy = createRuleStrategy(
  [
    { agent: 'erp-accounting', keywords: ['year-end audit', 'VAT'] },
    { agent: 'translator', project: 'intl' },
    { agent: 'devops', project: 'infra', keywords: ['deploy'] },
    { agent: 'reviewer', requester: 'pipeline:nightly' },
  ],
  agents,
);

function decide(input: RouteInput): StrategyOutcome {
  const outcome = strategy.route(input, context);
  if (outcome instanceof Promise) throw new Error('this strategy is synchronous');
  return outcome;
}

describe('rule strategy', () => {
  it('matches keywords as whole words or phrases, case-insensitively, and names the rule', () => {
    expect(decide({ text: 'prepare the Year-End  Audit binder' })).toEqual({
      kind: 'decided',
      decision: {
        kind: 'decision',
        agent: 'erp-accounting',
        confidence: 1,
        alternatives: [],
        reasons: ['rule 1: keywords "year-end audit"/"VAT"'],
        strategy: 'rule',
      },
    });
    expect(decide({ text: 'the vat return is due' })).toMatchObject({ kind: 'decided' });
    expect(decide({ text: 'prepare the year-end auditing binder' }).kind).toBe('passed');
    expect(decide({ text: 'privately owned' }).kind).toBe('passed');
  });

  it('requires every condition of a rule: project and keyword together', () => {
    expect(decide({ text: 'deploy the portal', projectId: 'infra' })).toMatchObject({
      decision: { agent: 'devops', reasons: ['rule 3: keywords "deploy", project infra'] },
    });
    expect(decide({ text: 'deploy the portal', projectId: 'web' }).kind).toBe('passed');
    expect(decide({ text: 'check the logs', projectId: 'infra' }).kind).toBe('passed');
  });

  it('takes the first matching rule in config order, and matches projects and requesters', () => {
    expect(decide({ text: 'VAT on the German invoice', projectId: 'intl' })).toMatchObject({
      decision: { agent: 'erp-accounting' },
    });
    expect(decide({ text: 'anything', projectId: 'intl' })).toMatchObject({
      decision: { agent: 'translator' },
    });
    expect(decide({ text: 'anything', requester: 'pipeline:nightly' })).toMatchObject({
      decision: { agent: 'reviewer', reasons: ['rule 4: requester pipeline:nightly'] },
    });
  });

  it('rejects a rule for an unknown agent or without conditions when the router is built', () => {
    expect(() => createRuleStrategy([{ agent: 'translater', keywords: ['x'] }], agents)).toThrow(
      'routing rule 1 names unknown agent "translater"; did you mean "translator"?',
    );
    let caught: unknown;
    try {
      createRuleStrategy([{ agent: 'devops', project: 'a' }, { agent: 'devops' }], agents);
    } catch (error) {
      caught = error;
    }
    expect(NovaError.is(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('routing rule 2 (agent "devops") has no condition');
  });
});
