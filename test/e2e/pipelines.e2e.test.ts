import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

/** The blog-post pipeline through the real CLI, as the README shows it, with the scripted demo model. */
describe('nova run, approvals, blame, refute, replay and fork (e2e)', () => {
  let workspace: { dir: string; cleanup(): void };
  const env = (): Record<string, string> => ({
    NOVA_DATA_DIR: `${workspace.dir}/data`,
    NOVA_MODEL: `scripted:${repoRoot}/examples/pipelines/blog-post.json`,
  });
  const nova = (...args: string[]) => runCli(args, { cwd: repoRoot, env: env() });
  beforeAll(() => {
    workspace = makeWorkspace();
  });
  afterAll(() => workspace.cleanup());

  it('runs to the approval, continues when approved, and explains its result', async () => {
    const waiting = await nova(
      'run',
      'blog-post',
      '--input',
      '{"topic": "moving a mid-size ERP to the cloud"}',
    );
    expect(waiting.code).toBe(21);
    expect(waiting.stderr).toMatch(
      /✓ research\n[\s\S]*✓ review\n[\s\S]*⏸ approve waits for approval appr_\w+: Save the reviewed post "Cloud ERP without the surprises"/,
    );

    const pending = JSON.parse((await nova('approvals', 'list', '--json')).stdout) as {
      approvals: Array<{ id: string; runId: string }>;
    };
    expect(pending.approvals).toHaveLength(1);
    const [{ id: approvalId, runId }] = pending.approvals as [{ id: string; runId: string }];

    const approved = await nova('approve', approvalId);
    expect(approved.code).toBe(0);
    expect(approved.stderr).toContain('✓ research (done before)');
    expect(approved.stderr).toContain('✓ save');
    expect(approved.stdout).toContain('# Cloud ERP without the surprises');

    const blame = await nova('blame', runId);
    expect(blame.code).toBe(0);
    expect(blame.stdout).toMatch(/^step copy-edit/);
    expect(blame.stdout).toMatch(
      /assumed ← assumption (run_\w+\.a2) "EU data residency rules apply to them" \(by researcher\)/,
    );
    const assumption = /assumption (run_\w+\.a2) "EU data residency/.exec(blame.stdout)![1]!;

    const refuted = await nova('refute', runId, assumption, '--reason', 'the client is in Switzerland');
    expect(refuted.stdout).toMatch(/Suspect steps: .*research.*draft/);
    const shown = await nova('runs', 'show', runId);
    expect(shown.stdout).toMatch(/copy-edit\s+agent\s+succeeded SUSPECT/);
    expect(shown.stdout).toContain('the client is in Switzerland');
    expect((await nova('blame', runId, '--step', 'research')).stdout).toContain(
      'REFUTED: the client is in Switzerland',
    );

    const trace = await nova('trace', runId);
    expect(trace.stdout).toMatch(/✓ pipeline blog-post/);
    expect(trace.stdout).toMatch(/\n {2}✓ step research · .* · SUSPECT\n {4}✓ invoke_agent researcher/);

    const replay = await nova('replay', runId);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('The replay matches the recording.');

    const fork = await nova('fork', runId, '--from', 'approve', '--json');
    expect(fork.code).toBe(21);
    const forked = JSON.parse(fork.stdout) as {
      run: { id: string; forkOf: { runId: string; fromStep: string } };
    };
    expect(forked.run.forkOf).toEqual({ runId, fromStep: 'approve' });
  });

  it('says what is wrong with bad input and unknown pipelines', async () => {
    const missing = await nova('run', 'blog-post', '--input', '{}');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "the input does not match pipeline blog-post's input schema: (input) must have required property 'topic'",
    );
    const notJson = await nova('run', 'blog-post', '--input', '{topic');
    expect(notJson.stderr).toMatch(/--input is not JSON/);
    const unknown = await nova('run', 'blog-pots');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no pipeline "blog-pots" (did you mean "blog-post"?)');
    const validate = await nova('pipelines', 'validate');
    expect(validate.stdout).toMatch(/4 pipelines valid, 0 problems/);
  });
});
