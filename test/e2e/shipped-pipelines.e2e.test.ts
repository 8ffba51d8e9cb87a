import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

/** Each shipped pipeline through the real CLI with its scripted demo model (examples/pipelines/). */
describe('shipped pipelines run with their scripted models (e2e)', () => {
  let workspace: { dir: string; cleanup(): void };
  beforeAll(() => {
    workspace = makeWorkspace();
  });
  afterAll(() => workspace.cleanup());
  const run = (script: string, ...args: string[]) =>
    runCli(args, {
      cwd: repoRoot,
      env: {
        NOVA_DATA_DIR: `${workspace.dir}/data`,
        NOVA_MODEL: `scripted:${repoRoot}/examples/pipelines/${script}.json`,
      },
    });

  it('code-review: a large diff takes the architecture branch and ends in one verdict', async () => {
    const result = await run(
      'code-review',
      'run',
      'code-review',
      '--input',
      JSON.stringify({
        diff: '--- a/src/billing/invoice.ts\n+++ b/src/billing/invoice.ts\n@@ -40 +40 @@\n-  return round(net) + tax\n+  return round(net + tax)',
        context: 'fix rounding',
      }),
      '--json',
    );
    expect(result.code).toBe(0);
    const { run: pipelineRun } = JSON.parse(result.stdout) as {
      run: { id: string; output: { verdict: string; actions: string[] } };
    };
    expect(pipelineRun.output.verdict).toBe('request-changes');
    const shown = (await run('code-review', 'runs', 'show', pipelineRun.id)).stdout;
    expect(shown).toMatch(/architecture\s+agent\s+succeeded/);
    expect(shown).toMatch(/size\s+branch\s+succeeded/);
  });

  it('erp-change-impact: fans out to the ERP specialist of each area and reviews the report', async () => {
    const result = await run(
      'erp-change-impact',
      'run',
      'erp-change-impact',
      '--input',
      '{"change": "turn on lot tracking for all purchased items"}',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Overall risk: high');
    expect(result.stderr).toMatch(/✓ impact\n/);
    const runs = JSON.parse((await run('erp-change-impact', 'runs', 'list', '--json')).stdout) as {
      runs: Array<{ agent: string }>;
    };
    expect(runs.runs.map((item) => item.agent)).toEqual(
      expect.arrayContaining(['erp-inventory', 'erp-accounting', 'erp-purchasing']),
    );
  });

  it('daily-briefing: briefs each project, merges, and saves the briefing', async () => {
    const result = await run(
      'daily-briefing',
      'run',
      'daily-briefing',
      '--input',
      '{"projects": ["acme-erp", "saas"], "date": "2026-11-23"}',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^First: chase the VAT mapping/);
    expect(result.stderr).toMatch(/✓ save\n/);
  });

  it('stops at the step whose agent keeps breaking its contract, after sending the violations back twice', async () => {
    const result = await run(
      'blog-post-bad-outline',
      'run',
      'blog-post',
      '--input',
      '{"topic": "cloud ERP"}',
      '--json',
    );
    expect(result.code).toBe(13);
    const { run: failed } = JSON.parse(result.stdout) as {
      run: { id: string; error: { code: string; message: string } };
    };
    expect(failed.error.code).toBe('OUTPUT_INVALID');
    expect(failed.error.message).toMatch(/step "outline" failed: .*broke its output contract 3 times/);
    const view = JSON.parse(
      (await run('blog-post-bad-outline', 'runs', 'show', failed.id, '--json')).stdout,
    ) as {
      steps: Array<{ key: string; status: string; agentRunIds: string[] }>;
    };
    expect(view.steps.map((step) => `${step.key}:${step.status}`)).toEqual([
      'research:succeeded',
      'outline:failed',
    ]);
    const outlineRun = JSON.parse(
      (await run('blog-post-bad-outline', 'runs', 'show', view.steps[1]!.agentRunIds[0]!, '--json')).stdout,
    ) as {
      steps: Array<{ kind: string; input: { messages?: Array<{ role: string; content?: string }> } }>;
    };
    const modelCalls = outlineRun.steps.filter((step) => step.kind === 'model-call');
    expect(modelCalls).toHaveLength(3);
    expect(JSON.stringify(modelCalls[1]!.input)).toContain('does not match the required output schema');
  });
});
