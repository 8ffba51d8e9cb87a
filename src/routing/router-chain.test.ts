import { describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import { createRouter, type RoutingStrategy } from './router.ts';
import { testRoster } from './test-roster.ts';

/** A stand-in for the later model tie-break: picks the ranker's second candidate, asynchronously. */
const tieBreak: RoutingStrategy = {
  name: 'model',
  async route(_input, context) {
    const proposal = context.previous.flatMap((outcome) =>
      outcome.kind === 'passed' && outcome.clarification ? [outcome.clarification] : [],
    )[0];
    const pick = proposal?.candidates[1];
    if (pick === undefined) return { kind: 'passed', reasons: ['model: nothing to choose from'] };
    return {
      kind: 'decided',
      decision: {
        kind: 'decision',
        agent: pick.agent,
        confidence: 0.5,
        alternatives: [],
        reasons: ['model: tie-break among the ranker candidates'],
        strategy: 'model',
      },
    };
  },
};

describe('router chain', () => {
  it('lets a later (async) strategy decide where the ranker asked, keeping the ranker reason', async () => {
    const router = createRouter({ agents: testRoster, threshold: 1, extraStrategies: [tieBreak] });
    const result = await router.routeAsync({ text: 'write about the tests' });
    expect(result).toMatchObject({ kind: 'decision', strategy: 'model' });
    if (result.kind !== 'decision') return;
    expect(result.reasons[0]).toMatch(/^not sure: best confidence/);
    expect(result.reasons.at(-1)).toBe('model: tie-break among the ranker candidates');
  });

  it('refuses to run an async strategy synchronously, naming it', () => {
    const router = createRouter({ agents: testRoster, threshold: 1, extraStrategies: [tieBreak] });
    let caught: unknown;
    try {
      router.route({ text: 'write about the tests' });
    } catch (error) {
      caught = error;
    }
    expect(NovaError.is(caught, 'INTERNAL')).toBe(true);
    expect((caught as Error).message).toBe('routing strategy "model" is asynchronous; call routeAsync');
    // Strategies before it still decide synchronously.
    expect(router.route({ text: '@writer a post about tests' })).toMatchObject({ agent: 'writer' });
  });

  it('asks the last proposed question when every strategy passes, with all their reasons', () => {
    const router = createRouter({ agents: testRoster, threshold: 1 });
    const result = router.route({ text: '@nobody write about the tests' });
    expect(result).toMatchObject({
      kind: 'clarification',
      question: expect.stringMatching(/^Which of these/),
    });
    expect(result.reasons).toEqual([
      '@nobody is not an agent; routed on the rest of the text',
      expect.stringMatching(/^not sure: /),
    ]);
    expect(router.strategies.map((strategy) => strategy.name)).toEqual(['explicit', 'rule', 'ranker']);
  });

  it('routeAsync gives the same answers as route for a synchronous chain', async () => {
    const router = createRouter({ agents: testRoster });
    for (const text of ['translate this into German', 'order a pizza with olives and anchovies', 'hello']) {
      expect(await router.routeAsync({ text })).toEqual(router.route({ text }));
    }
  });

  it('with no agents, explains that agent files are needed', () => {
    expect(createRouter({ agents: [] }).route({ text: 'anything' })).toEqual({
      kind: 'clarification',
      question: 'No agents are loaded; add agent files first.',
      candidates: [],
      reasons: ['empty roster'],
    });
  });
});
