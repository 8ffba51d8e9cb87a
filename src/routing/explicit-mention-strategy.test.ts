import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import type { RouteInput, StrategyOutcome } from './routing-strategy.ts';
import { createExplicitMentionStrategy, parseMention } from './explicit-mention-strategy.ts';

const strategy = createExplicitMentionStrategy(['translator', 'erp-sales', 'reminders']);
const context = { previous: [] };

function decide(input: RouteInput): StrategyOutcome {
  const outcome = strategy.route(input, context);
  if (outcome instanceof Promise) throw new Error('this strategy is synchronous');
  return outcome;
}

describe('explicit mention strategy', () => {
  it('decides with confidence 1 for --agent and says so', () => {
    expect(decide({ text: 'whatever', agent: 'reminders' })).toEqual({
      kind: 'decided',
      decision: {
        kind: 'decision',
        agent: 'reminders',
        confidence: 1,
        alternatives: [],
        reasons: ['named with --agent'],
        strategy: 'explicit',
      },
    });
  });

  it('refuses an unknown --agent with NOT_FOUND and the closest name', () => {
    let caught: unknown;
    try {
      decide({ text: 'x', agent: 'erp-sale' });
    } catch (error) {
      caught = error;
    }
    expect(NovaError.is(caught, 'NOT_FOUND')).toBe(true);
    expect((caught as NovaError).message).toBe('unknown agent "erp-sale". Did you mean "erp-sales"?');
    expect(() => decide({ text: 'x', agent: 'zzzzzzzzzz' })).toThrow(
      /Known agents: translator, erp-sales, reminders/,
    );
  });

  it('decides on a leading @mention, whatever the case and punctuation after it', () => {
    const outcome = decide({ text: '  @Translator: put this into Dutch' });
    expect(outcome).toMatchObject({
      kind: 'decided',
      decision: { agent: 'translator', reasons: ['mentioned as @translator'] },
    });
  });

  it('passes on an unknown @mention with a reason and the text without it', () => {
    expect(decide({ text: '@reminder tomorrow at 9 call Bob', projectId: 'acme' })).toEqual({
      kind: 'passed',
      reasons: ['@reminder is not an agent (did you mean @reminders?); routed on the rest of the text'],
      input: { text: 'tomorrow at 9 call Bob', projectId: 'acme' },
    });
  });

  it('passes silently when nothing is named, and ignores an @ that does not start the text', () => {
    expect(decide({ text: 'mail @translator about it' })).toEqual({ kind: 'passed', reasons: [] });
    expect(parseMention('mail @translator about it')).toBeUndefined();
    expect(parseMention('@erp-sales, why is order 7 late')).toEqual({
      agent: 'erp-sales',
      text: 'why is order 7 late',
    });
  });
});
