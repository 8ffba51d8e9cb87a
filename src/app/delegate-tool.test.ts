import { describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../test/support/test-app.ts';
import type { AgentDefinition } from '../domain/agent-definition.ts';
import { defaultBudget } from '../domain/budget.ts';

function agent(name: string, delegates: string[], extra: Partial<AgentDefinition> = {}): AgentDefinition {
  return {
    ...testAgent(name, { tools: delegates.length > 0 ? ['delegate'] : [], delegates }),
    model: `test:${name}`,
    ...extra,
  };
}

const call = (id: string, input: unknown) => ({ id, name: 'delegate', input });

describe('delegation', () => {
  it('lets the planner split a request across two agents and merge their outcomes, each handoff journaled', async () => {
    const { app, journal } = await createTestApp({
      agents: [
        agent('planner', ['erp-inventory', 'email-drafter']),
        agent('erp-inventory', []),
        agent('email-drafter', []),
      ],
      scripts: {
        'test:planner': [
          {
            toolCalls: [
              call('c1', {
                agent: 'erp-inventory',
                task: 'Which items are below reorder point?',
                assumptions: ['the main warehouse is meant'],
              }),
              call('c2', {
                agent: 'email-drafter',
                task: 'Draft a note to purchasing about low stock',
                assumptions: ['purchasing wants a short note'],
              }),
            ],
          },
          { text: 'Merged: 3 items low; draft ready.' },
        ],
        'test:erp-inventory': [{ text: '3 items are below their reorder point.' }],
        'test:email-drafter': [{ text: 'Hi team, three items are running low.' }],
      },
    });
    const run = await app.ask({ text: 'check stock and tell purchasing', agent: 'planner' });
    expect(run.status).toBe('succeeded');
    expect(run.outcome?.output).toBe('Merged: 3 items low; draft ready.');

    const { steps, children } = await app.getRun(run.id);
    expect(children.map((child) => [child.agent, child.status, child.parentRunId, child.rootRunId])).toEqual([
      ['erp-inventory', 'succeeded', run.id, run.id],
      ['email-drafter', 'succeeded', run.id, run.id],
    ]);
    expect(children[0]?.task.handoff).toMatchObject({
      fromAgent: 'planner',
      toAgent: 'erp-inventory',
      assumptions: [{ id: `${run.id}/A1`, text: 'the main warehouse is meant' }],
    });
    expect(children[0]?.task.requester).toEqual({ kind: 'agent', agent: 'planner', runId: run.id });
    const toolOutputs = steps
      .filter((step) => step.kind === 'tool-call')
      .map((step) => JSON.parse(String(step.output)) as { output: string });
    expect(toolOutputs.map((output) => output.output)).toEqual([
      '3 items are below their reorder point.',
      'Hi team, three items are running low.',
    ]);
    // The child saw the task with the sender's assumptions spelled out.
    const childSteps = await journal.listSteps(children[0]!.id);
    expect(JSON.stringify(childSteps[0]?.input)).toContain('[' + run.id + '/A1] the main warehouse is meant');
    // Children's tokens count against the parent.
    expect(run.usage.inputTokens).toBe(5 * 2 + 5 * 2);
  });

  it('refuses targets outside the policy, cycles and nesting past the limit, and tells the model why', async () => {
    const { app, journal } = await createTestApp({
      agents: [agent('a', ['b', 'translator']), agent('b', ['a']), agent('translator', [])],
      scripts: {
        'test:a': [
          { toolCalls: [call('x1', { agent: 'devops', task: 'run rm -rf' })] },
          { toolCalls: [call('x2', { agent: 'b', task: 'ask a again' })] },
          { text: 'done' },
        ],
        'test:b': [
          { toolCalls: [call('y1', { agent: 'a', task: 'loop back' })] },
          { text: 'b gave up on the loop' },
        ],
      },
    });
    const run = await app.ask({ text: 'go', agent: 'a' });
    expect(run.status).toBe('succeeded');
    const steps = await journal.listSteps(run.id);
    expect(steps[1]).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('may not delegate to "devops"') },
    });
    const { children } = await app.getRun(run.id);
    expect(children).toHaveLength(1);
    const childSteps = await journal.listSteps(children[0]!.id);
    expect(childSteps[1]).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('would make a cycle: a → b → a') },
    });
  });

  it('stops delegation past the depth limit and gives a child no more than its parent has left', async () => {
    const chain = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'];
    const agents = chain.map((name, index) => agent(name, chain[index + 1] ? [chain[index + 1]!] : []));
    const scripts = Object.fromEntries(
      chain.map((name, index) => [
        `test:${name}`,
        [
          ...(chain[index + 1]
            ? [{ toolCalls: [call(`c${index}`, { agent: chain[index + 1], task: 'go deeper' })] }]
            : []),
          { text: `${name} done` },
        ],
      ]),
    );
    const { app, journal } = await createTestApp({ agents, scripts });
    const run = await app.ask({ text: 'dive', agent: 'd0' });
    const depths: string[] = [];
    let current = run.id;
    for (;;) {
      const { run: node, children } = await app.getRun(current);
      depths.push(node.agent);
      if (children.length === 0) break;
      current = children[0]!.id;
    }
    expect(depths).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    const deepest = await journal.listSteps(current);
    expect(deepest[1]).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('delegation depth limit reached (4)') },
    });

    const tight = await createTestApp({
      agents: [
        agent('boss', ['worker'], {
          policy: {
            ...testAgent('boss').policy,
            tools: ['delegate'],
            delegates: ['worker'],
            budget: { ...defaultBudget, maxSteps: 4 },
          },
        }),
        agent('worker', []),
      ],
      scripts: {
        'test:boss': [{ toolCalls: [call('b1', { agent: 'worker', task: 'use up steps' })] }, { text: 'ok' }],
        'test:worker': [
          { toolCalls: [{ id: 'w', name: 'notes_search', input: { query: 'x' } }] },
          { toolCalls: [{ id: 'w2', name: 'notes_search', input: { query: 'y' } }] },
          { text: 'late' },
        ],
      },
    });
    const bossRun = await tight.app.ask({ text: 'work', agent: 'boss' });
    const { children } = await tight.app.getRun(bossRun.id);
    expect(children[0]).toMatchObject({
      status: 'failed',
      error: { code: 'BUDGET_EXCEEDED', message: expect.stringContaining('step budget of 2') },
    });
  });
});
