import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRef, Tool, ToolContext } from '../tool.ts';
import { projectListFilesTool } from './project-list-files.ts';
import { maxCharactersPerRead, projectReadFileTool } from './project-read-file.ts';
import { projectSearchTool } from './project-search.ts';

let base: string;
let acme: ProjectRef;
let globex: ProjectRef;

function write(relative: string, content: string | Buffer): void {
  const file = path.join(base, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-project-files-')));
  write('acme/README.md', '# Acme\nInvoice run on Fridays.\nContact: ops@acme.test\n');
  write('acme/docs/plan.md', Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`).join('\n'));
  write('acme/docs/empty.md', '');
  write('acme/docs/windows.txt', 'first\r\nsecond\r\n');
  write('acme/docs/wide.txt', `${'x'.repeat(5_000)}\nshort\n`);
  write('acme/docs/huge-lines.txt', `${'z'.repeat(1_500)}\n`.repeat(100));
  write('acme/src/app.ts', 'export const invoice = 1;\n');
  write('acme/src/minified.js', `${'a'.repeat(3_000)}INVOICE_TOTAL${'b'.repeat(3_000)}\n`);
  write('acme/src/big.log', `invoice\n${'y'.repeat(1_100_000)}\n`);
  write('acme/node_modules/x/index.js', 'invoice');
  write('acme/.git/config', 'invoice');
  write('acme/.env', 'INVOICE_TOKEN=secret');
  write('acme/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 0x69, 0x6e, 0x76]));
  write('acme2/secret.txt', 'sibling invoice secret');
  write('outside.txt', 'outside invoice secret');
  const root = path.join(base, 'acme');
  fs.symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(base, path.join(root, 'escape-dir'));
  fs.symlinkSync(path.join(root, 'README.md'), path.join(root, 'readme-link.md'));
  fs.symlinkSync(path.join(root, 'docs'), path.join(root, 'docs-link'));
  acme = { id: 'acme', name: 'Acme', root, docs: ['docs'], tags: [] };
  globex = { id: 'globex', name: 'Globex', root: path.join(base, 'acme2'), docs: [], tags: [] };
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function context(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    runId: 'run_1',
    agent: 'assistant',
    projects: [acme],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Calls a tool the way the runtime does: arguments parsed by its schema first. */
async function call(tool: Tool, input: unknown, overrides: Partial<ToolContext> = {}): Promise<string> {
  return tool.execute(tool.inputSchema.parse(input), context(overrides));
}

describe('project_list_files', () => {
  it('lists a folder sorted, folders marked with "/", hidden entries named but not listed', async () => {
    expect(await call(projectListFilesTool, {})).toBe(
      [
        'docs/',
        'docs-link',
        'escape-dir',
        'escape.txt',
        'logo.png',
        'readme-link.md',
        'README.md',
        'src/',
        '[hidden: .env, .git/, node_modules/; pass includeHidden: true to include them]',
      ].join('\n'),
    );
  });

  it('lists a subfolder and the whole tree with project-relative paths, without following links', async () => {
    expect(await call(projectListFilesTool, { path: 'docs' })).toBe(
      'docs/empty.md\ndocs/huge-lines.txt\ndocs/plan.md\ndocs/wide.txt\ndocs/windows.txt',
    );
    const tree = (await call(projectListFilesTool, { recursive: true })).split('\n');
    expect(tree).toContain('docs/plan.md');
    expect(tree).toContain('src/app.ts');
    expect(tree.some((line) => line.startsWith('docs-link/'))).toBe(false);
    expect(tree.some((line) => line.startsWith('escape-dir/'))).toBe(false);
    expect(tree.join('\n')).not.toContain('node_modules/x');
  });

  it('shows hidden entries when asked', async () => {
    const listing = await call(projectListFilesTool, { includeHidden: true });
    expect(listing.split('\n')).toEqual(expect.arrayContaining(['.env', '.git/', 'node_modules/']));
    expect(listing).not.toContain('[hidden');
  });

  it('stops at the limit and says how to see more', async () => {
    const listing = await call(projectListFilesTool, { recursive: true, limit: 3 });
    expect(listing.split('\n').slice(0, 3)).toEqual(['docs/', 'docs/empty.md', 'docs/huge-lines.txt']);
    expect(listing).toContain(
      '[more entries not shown: stopped at limit 3; raise limit or list a subfolder]',
    );
  });

  it('points a file path at project_read_file and refuses links out of the project', async () => {
    await expect(call(projectListFilesTool, { path: 'README.md' })).rejects.toThrow(
      /is a file, not a folder; read it with project_read_file/,
    );
    await expect(call(projectListFilesTool, { path: 'escape-dir' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await call(projectListFilesTool, { path: 'docs-link' })).toContain('docs/plan.md');
  });
});

describe('project_read_file', () => {
  it('returns the text with line numbers', async () => {
    expect(await call(projectReadFileTool, { path: 'README.md' })).toBe(
      'README.md (lines 1-3 of 3)\n1  # Acme\n2  Invoice run on Fridays.\n3  Contact: ops@acme.test',
    );
    expect(await call(projectReadFileTool, { path: 'docs/windows.txt' })).toBe(
      'docs/windows.txt (lines 1-2 of 2)\n1  first\n2  second',
    );
  });

  it('reads a line range, padding numbers to one width', async () => {
    expect(await call(projectReadFileTool, { path: 'docs/plan.md', startLine: 998, endLine: 999 })).toBe(
      'docs/plan.md (lines 998-999 of 1000)\n998  line 998\n999  line 999',
    );
    expect(await call(projectReadFileTool, { path: 'docs/plan.md', startLine: 9, endLine: 10 })).toBe(
      'docs/plan.md (lines 9-10 of 1000)\n 9  line 9\n10  line 10',
    );
  });

  it('caps a long read and says how to read the rest', async () => {
    const first = await call(projectReadFileTool, { path: 'docs/plan.md', startLine: 10 });
    expect(first.split('\n')[0]).toBe('docs/plan.md (lines 10-409 of 1000)');
    expect(first).toContain('409  line 409');
    expect(first).not.toContain('line 410');
    expect(first).toMatch(/\[more lines follow \(at most 400 lines .*\); read on with startLine 410\]$/);
    const ranged = await call(projectReadFileTool, { path: 'docs/plan.md', startLine: 1, endLine: 900 });
    expect(ranged).toMatch(/read on with startLine 401\]$/);
    const last = await call(projectReadFileTool, { path: 'docs/plan.md', startLine: 810 });
    expect(last.split('\n').at(-1)).toBe('1000  line 1000');
  });

  it('cuts very long lines and keeps the whole reply under the character cap', async () => {
    const wide = await call(projectReadFileTool, { path: 'docs/wide.txt' });
    expect(wide).toContain('[line cut at 2000 of 5000 characters]');
    expect(wide).toContain('2  short');
    const huge = await call(projectReadFileTool, { path: 'docs/huge-lines.txt' });
    expect(huge.length).toBeLessThan(maxCharactersPerRead + 500);
    expect(huge).toMatch(/capped at 60000 characters\); read on with startLine (\d+)\]$/);
  });

  it('reads a part of a file too large to count its lines, without claiming a total', async () => {
    write(
      'acme/logs/large.log',
      Array.from({ length: 900_000 }, (_, index) => `entry ${index + 1}`).join('\n'),
    );
    try {
      const part = await call(projectReadFileTool, {
        path: 'logs/large.log',
        startLine: 500_000,
        endLine: 500_001,
      });
      expect(part).toBe('logs/large.log (lines 500000-500001)\n500000  entry 500000\n500001  entry 500001');
      const start = await call(projectReadFileTool, { path: 'logs/large.log' });
      expect(start.split('\n')[0]).toBe('logs/large.log (lines 1-400)');
      expect(start).toMatch(/read on with startLine 401\]$/);
    } finally {
      fs.rmSync(path.join(base, 'acme/logs'), { recursive: true });
    }
  });

  it('refuses binary files, folders, missing files and a start past the end with useful messages', async () => {
    await expect(call(projectReadFileTool, { path: 'logo.png' })).rejects.toThrow(
      '"logo.png" is a binary file (11 bytes); only text files can be read',
    );
    await expect(call(projectReadFileTool, { path: 'docs' })).rejects.toThrow(
      /is a folder; list it with project_list_files/,
    );
    await expect(call(projectReadFileTool, { path: 'nope.md' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('"nope.md" does not exist in project "acme"'),
    });
    await expect(call(projectReadFileTool, { path: 'README.md', startLine: 9 })).rejects.toThrow(
      '"README.md" has 3 lines; startLine 9 is past the end',
    );
    expect(await call(projectReadFileTool, { path: 'docs/empty.md' })).toBe(
      'docs/empty.md is empty (0 bytes).',
    );
    expect(() =>
      projectReadFileTool.inputSchema.parse({ path: 'README.md', startLine: 5, endLine: 2 }),
    ).toThrow(/endLine must not be before startLine/);
  });

  it('refuses every way out of the project root and allows links that stay inside', async () => {
    for (const attempt of [
      '../outside.txt',
      'docs/../../outside.txt',
      '/etc/passwd',
      path.join(base, 'outside.txt'),
      'escape.txt',
      'escape-dir/outside.txt',
      'escape-dir/acme2/secret.txt',
      '../acme2/secret.txt',
      'a\0b',
    ]) {
      await expect(call(projectReadFileTool, { path: attempt }), attempt).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('stay inside project "acme"'),
      });
    }
    expect(await call(projectReadFileTool, { path: 'readme-link.md' })).toContain('Invoice run on Fridays');
    expect(await call(projectReadFileTool, { path: 'docs-link/plan.md', endLine: 1 })).toBe(
      'docs/plan.md (lines 1-1 of 1000)\n1  line 1',
    );
  });
});

describe('project_search', () => {
  it('finds text case-insensitively as path:line: text, skipping hidden, binary, large and linked files', async () => {
    expect(await call(projectSearchTool, { query: 'INVOICE' })).toBe(
      [
        'README.md:2: Invoice run on Fridays.',
        `src/app.ts:1: export const invoice = 1;`,
        `src/minified.js:1: …${'a'.repeat(80)}INVOICE_TOTAL${'b'.repeat(147)}…`,
        '[not searched: 1 file over 1 MB; read it with project_read_file]',
      ].join('\n'),
    );
  });

  it('narrows by folder and glob, and says when nothing matched', async () => {
    expect(await call(projectSearchTool, { query: 'invoice', path: 'src', glob: '*.ts' })).toBe(
      'src/app.ts:1: export const invoice = 1;',
    );
    expect(await call(projectSearchTool, { query: 'invoice', glob: 'src/**/*.{ts,tsx}' })).toBe(
      'src/app.ts:1: export const invoice = 1;',
    );
    expect(await call(projectSearchTool, { query: 'secret' })).toBe(
      'No matches for "secret" in 8 text files of project acme.\n[not searched: 1 file over 1 MB; read it with project_read_file]',
    );
    expect(await call(projectSearchTool, { query: 'invoice', path: 'docs', glob: '*.md' })).toBe(
      'No matches for "invoice" in 2 text files of project acme under "docs" matching "*.md".',
    );
  });

  it('stops at the limit and says how to narrow the search', async () => {
    const hits = (await call(projectSearchTool, { query: 'line 99', limit: 3 })).split('\n');
    expect(hits).toEqual([
      'docs/plan.md:99: line 99',
      'docs/plan.md:990: line 990',
      'docs/plan.md:991: line 991',
      '[stopped at 3 hits; narrow the query, path or glob, or raise limit]',
    ]);
  });

  it('refuses a search folder outside the project and stops when the run is cancelled', async () => {
    await expect(call(projectSearchTool, { query: 'secret', path: 'escape-dir' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      call(projectSearchTool, { query: 'invoice' }, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('project selection', () => {
  it('uses the named project, else the task project, else the only allowed one', async () => {
    const both = { projects: [acme, globex] };
    expect(await call(projectListFilesTool, { project: 'globex' }, both)).toBe('secret.txt');
    expect(await call(projectListFilesTool, {}, { ...both, defaultProjectId: 'globex' })).toBe('secret.txt');
    expect(await call(projectListFilesTool, { path: 'src' })).toContain('src/app.ts');
  });

  it('asks for a project when the choice is open, listing the allowed ids', async () => {
    await expect(
      call(projectSearchTool, { query: 'invoice' }, { projects: [acme, globex] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'this call needs a project: pass "project" as one of acme, globex',
    });
    await expect(call(projectListFilesTool, {}, { projects: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('has no projects it may access'),
    });
  });

  it('refuses a project outside the agent policy, also as the task default', async () => {
    await expect(call(projectReadFileTool, { project: 'globex', path: 'secret.txt' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'agent "assistant" may not access project "globex"; allowed: acme',
    });
    await expect(call(projectListFilesTool, {}, { defaultProjectId: 'globex' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
