import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

/** The supervisor pattern through the real CLI: the planner splits a goal across two agents and merges their outcomes. */
describe('planner delegates and merges (e2e)', () => {
  let workspace: { dir: string; cleanup(): void };
  beforeAll(() => {
    workspace = makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const nova = (...args: string[]) =>
    runCli(args, {
      cwd: repoRoot,
      env: {
        NOVA_DATA_DIR: `${workspace.dir}/data`,
        NOVA_MODEL: `scripted:${repoRoot}/examples/planner.json`,
      },
    });

  it('runs two child runs with the assumptions handed over and returns one merged, contract-checked answer', async () => {
    const asked = await nova(
      'ask',
      'plan how we avoid stock-outs at WH-MAIN and get the agents on it',
      '--agent',
      'planner',
      '--json',
    );
    expect(asked.code).toBe(0);
    const run = JSON.parse(asked.stdout) as {
      runId: string;
      outcome: {
        output: { result: string; steps: unknown[] };
        assumptions: Array<{ id: string; text: string }>;
      };
    };
    expect(run.outcome.output.result).toContain('Order 420 x SKU-114');
    expect(run.outcome.output.steps).toHaveLength(2);
    expect(run.outcome.assumptions.map((assumption) => assumption.text)).toEqual([
      'the owner approves purchase orders himself',
    ]);

    const shown = JSON.parse((await nova('runs', 'show', run.runId, '--json')).stdout) as {
      children: Array<{
        agent: string;
        task: { handoff: { assumptions: Array<{ text: string }> } };
        outcome: { assumptions: Array<{ text: string }>; openQuestions: string[]; confidence?: number };
      }>;
    };
    expect(shown.children.map((child) => child.agent)).toEqual(['erp-inventory', 'erp-purchasing']);
    expect(shown.children[0]!.task.handoff.assumptions.map((assumption) => assumption.text)).toEqual([
      'sales over the last 30 days are representative',
      'WH-MAIN is the only warehouse in scope',
    ]);
    expect(shown.children[0]!.outcome).toMatchObject({
      confidence: 0.8,
      assumptions: [{ text: 'open sales orders are already reserved' }],
    });
    expect(shown.children[1]!.outcome.openQuestions).toEqual([
      'is the Nordic Parts framework contract still valid?',
    ]);
  });
});
