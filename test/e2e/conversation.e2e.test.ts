import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

const helloModel = `scripted:${path.join(repoRoot, 'examples/hello.json')}`;

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

function cli(args: string[]) {
  return runCli(args, { cwd: workspace.dir, env: { NOVA_MODEL: helloModel } });
}

describe('a conversation through the CLI (nova ask --follow-up)', () => {
  it('continues the last run: same agent, the earlier turn in the context pack, and runs show says so', async () => {
    const first = await cli(['ask', 'hello, what can you do?', '--agent', 'assistant']);
    expect(first.code, first.stderr).toBe(0);
    const firstId = /run (run_\w+) succeeded/.exec(first.stderr)?.[1] ?? '';

    const second = await cli(['ask', 'and what else?', '--follow-up', 'last']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`↳ following up ${firstId} (assistant): hello, what can you do?`);
    expect(second.stderr).toMatch(
      /→ assistant \(confidence \d\.\d\d; .*conversation: a follow-up of run_\w+, which assistant answered/,
    );
    const secondId = /run (run_\w+) succeeded/.exec(second.stderr)?.[1] ?? '';

    const shown = await cli(['runs', 'show', secondId]);
    expect(shown.stdout).toContain(`follows  ${firstId} (a follow-up in its conversation)`);
    expect(shown.stdout).toContain(`run://${firstId}/turn`);

    const missing = await cli(['ask', 'and then?', '--follow-up', 'run_missing']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'no run run_missing to follow up; `nova runs list` shows run ids, or use "last"',
    );
  });
});
