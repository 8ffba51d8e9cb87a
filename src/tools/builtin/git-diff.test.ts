import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool.ts';
import { createGitDiffTool } from './git-diff.ts';

function repository(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-git-')));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: root });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(root, 'price.ts'), 'export const vat = 0.19;\n');
  fs.writeFileSync(path.join(root, '.env'), 'TOKEN=old\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  git('checkout', '-q', '-b', 'feature');
  fs.writeFileSync(path.join(root, 'price.ts'), 'export const vat = 0.2;\n');
  git('commit', '-q', '-am', 'raise vat');
  fs.writeFileSync(path.join(root, 'price.ts'), 'export const vat = 0.21;\n');
  fs.writeFileSync(path.join(root, '.env'), 'TOKEN=new-secret\n');
  return root;
}

describe('git_diff', () => {
  const root = repository();
  const context: ToolContext = {
    runId: 'run_1',
    agent: 'code-reviewer',
    projects: [{ id: 'shop', name: 'Shop', root, docs: [], tags: [] }],
    defaultProjectId: 'shop',
    signal: new AbortController().signal,
  };
  const tool = createGitDiffTool();
  const run = (input: Record<string, unknown>) => tool.execute(tool.inputSchema.parse(input), context);

  it('shows uncommitted changes, changes between revisions and a stat, never credential files', async () => {
    const working = String(await run({}));
    expect(working).toContain('-export const vat = 0.2;');
    expect(working).toContain('+export const vat = 0.21;');
    expect(working).not.toContain('new-secret');
    expect(working).not.toContain('.env');
    const branch = String(await run({ base: 'main...feature' }));
    expect(branch).toContain('+export const vat = 0.2;');
    expect(branch).not.toContain('0.21');
    expect(String(await run({ base: 'main', head: 'feature', stat: true }))).toMatch(/price\.ts \| 2 \+-/);
    expect(await run({ staged: true })).toBe('No changes.');
  });

  it('refuses options smuggled in as revisions or paths, escapes, and a project that is no repository', async () => {
    expect(() => tool.inputSchema.parse({ base: '--output=/tmp/x' })).toThrow(
      /a branch, tag, commit or range/,
    );
    expect(() => tool.inputSchema.parse({ paths: ['../other'] })).toThrow(
      /a relative path inside the project/,
    );
    expect(() => tool.inputSchema.parse({ paths: ['--exec=x'] })).toThrow(
      /a relative path inside the project/,
    );
    await expect(run({ head: 'feature' })).rejects.toThrow('`head` needs a `base`');
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-plain-'));
    await expect(
      tool.execute(tool.inputSchema.parse({}), {
        ...context,
        projects: [{ id: 'plain', name: 'Plain', root: plain, docs: [], tags: [] }],
        defaultProjectId: 'plain',
      }),
    ).rejects.toThrow('project plain is not a git repository');
  });
});
