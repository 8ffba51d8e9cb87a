import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/run-cli.ts';

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

function cli(args: string[]) {
  return runCli(args, { cwd: workspace.dir, env: {} });
}

describe('nova todo, end to end', () => {
  it('adds, lists in working order, closes and refuses bad input with what would be right', async () => {
    const added = await cli([
      'todo',
      'add',
      'Pay the hosting invoice',
      '--due',
      '2020-01-31',
      '--priority',
      'high',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const id =
      /^Added (todo_\w+) \| Pay the hosting invoice \| - \| high \| 2020-01-31 \(\d+ days overdue\) \| open$/m.exec(
        added.stdout,
      )?.[1];
    expect(id).toBeDefined();
    await cli([
      'todo',
      'add',
      'Review the ERP quote',
      '--project',
      'acme',
      '--blocker',
      'quote not received',
    ]);
    const listed = (await cli(['todo'])).stdout.split('\n');
    expect(listed[1]).toContain('Pay the hosting invoice');
    expect(listed[2]).toContain(
      'Review the ERP quote | acme | normal | no due date | blocked | blocked by: quote not received',
    );
    expect((await cli(['todo', 'done', id ?? ''])).stdout).toContain('| done');
    expect((await cli(['todo', 'list', '--show', 'done'])).stdout).toContain('Pay the hosting invoice');
    expect((await cli(['todo'])).stdout).not.toContain('Pay the hosting invoice');

    const bad = await cli(['todo', 'add', 'Call the bank', '--due', '31.01.2026']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('due: must be a calendar date like 2026-11-26');
    const missing = await cli(['todo', 'done', 'todo_nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'no to-do todo_nope; the to-do list (task_list, nova todo) shows the ids',
    );
    // The task-tracker agent is offered the same tools.
    expect((await cli(['agents', 'show', 'task-tracker'])).stdout).toContain(
      'offered     notes_search (read), task_create (write), task_update (write), task_list (read)',
    );
  });
});
