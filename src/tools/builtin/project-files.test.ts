import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/sqlite/sqlite-database.ts';
import { SqliteNoteStore } from '../../adapters/sqlite/sqlite-note-store.ts';
import type { ProjectRef, Tool, ToolContext } from '../tool.ts';
import { ToolRegistry, toModelToolSpec } from '../tool-registry.ts';
import { createBuiltinTools } from './create-builtin-tools.ts';

let base: string;
let acme: ProjectRef;
let globex: ProjectRef;
let tools: Map<string, Tool>;

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-tools-')));
  const root = path.join(base, 'acme');
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules/x'), { recursive: true });
  fs.writeFileSync(path.join(root, 'README.md'), '# Acme\nInvoice run on Fridays.\nContact: ops@acme.test\n');
  fs.writeFileSync(
    path.join(root, 'docs/plan.md'),
    Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`).join('\n'),
  );
  fs.writeFileSync(path.join(root, 'node_modules/x/index.js'), 'invoice');
  fs.writeFileSync(path.join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  fs.mkdirSync(path.join(base, 'acme2'));
  fs.writeFileSync(path.join(base, 'acme2/secret.txt'), 'sibling secret');
  fs.writeFileSync(path.join(base, 'outside.txt'), 'outside secret');
  fs.symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(base, path.join(root, 'escape-dir'));
  fs.symlinkSync(path.join(root, 'README.md'), path.join(root, 'readme-link.md'));
  acme = { id: 'acme', name: 'Acme', root, docs: ['docs'], tags: [] };
  globex = { id: 'globex', name: 'Globex', root: path.join(base, 'acme2'), docs: [], tags: [] };
  const database = openSqliteDatabase(':memory:');
  let counter = 0;
  tools = new Map(
    createBuiltinTools({
      notes: new SqliteNoteStore(database),
      ids: { next: (prefix) => `${prefix}_${++counter}` },
      clock: { now: () => Date.parse('2026-11-22T09:00:00Z'), sleep: () => Promise.resolve() },
    }).map((tool) => [tool.name, tool]),
  );
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

async function call(name: string, input: unknown, overrides: Partial<ToolContext> = {}): Promise<string> {
  const tool = tools.get(name)!;
  return tool.execute(tool.inputSchema.parse(input), context(overrides));
}

describe('project file tools', () => {
  it('lists a folder, marking folders and skipping node_modules and dot entries', async () => {
    const listing = await call('project_list_files', {});
    expect(listing.split('\n')).toEqual(
      ['docs/', 'escape-dir', 'escape.txt', 'logo.png', 'README.md', 'readme-link.md'].sort((a, b) =>
        a.localeCompare(b),
      ),
    );
    const recursive = await call('project_list_files', { recursive: true });
    expect(recursive).toContain('docs/plan.md');
    expect(recursive).not.toContain('node_modules');
  });

  it('reads a file with line numbers and says how to read on when it is long', async () => {
    expect(await call('project_read_file', { path: 'README.md' })).toBe(
      'README.md\n1  # Acme\n2  Invoice run on Fridays.\n3  Contact: ops@acme.test\n4  ',
    );
    const long = await call('project_read_file', { path: 'docs/plan.md', startLine: 10 });
    expect(long).toContain('409  line 409');
    expect(long).toContain('read on with startLine 410');
    expect(await call('project_read_file', { path: 'docs/plan.md', startLine: 998, endLine: 999 })).toBe(
      'docs/plan.md\n998  line 998\n999  line 999\n[lines 998-999 of 1000; read on with startLine 1000]',
    );
  });

  it('refuses binary files, folders and missing files with a useful message', async () => {
    await expect(call('project_read_file', { path: 'logo.png' })).rejects.toThrow(/binary file/);
    await expect(call('project_read_file', { path: 'docs' })).rejects.toThrow(
      /is a folder; use project_list_files/,
    );
    await expect(call('project_read_file', { path: 'nope.md' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses every way out of the project root', async () => {
    const escapes = [
      '../outside.txt',
      'docs/../../outside.txt',
      '/etc/passwd',
      'escape.txt',
      'escape-dir/outside.txt',
      'escape-dir',
      '../acme2/secret.txt',
      'a\0b',
    ];
    for (const attempt of escapes) {
      await expect(call('project_read_file', { path: attempt }), attempt).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    await expect(call('project_list_files', { path: 'escape-dir' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(call('project_search', { query: 'secret', path: 'escape-dir' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await call('project_read_file', { path: 'readme-link.md' })).toContain('Invoice run on Fridays');
  });

  it('searches text files case-insensitively without following links out or reading binaries', async () => {
    const hits = await call('project_search', { query: 'INVOICE' });
    expect(hits).toBe('README.md:2: Invoice run on Fridays.');
    expect(await call('project_search', { query: 'secret' })).toMatch(/^No matches for "secret"/);
    expect(await call('project_search', { query: 'line 99', glob: '*.md', limit: 3 })).toContain(
      '[stopped at 3 hits',
    );
  });

  it('chooses the project from the call, the task, or the only one allowed, and refuses others', async () => {
    await expect(call('project_list_files', { project: 'globex' })).rejects.toThrow(
      /may not access project "globex"; allowed: acme/,
    );
    await expect(call('project_list_files', {}, { projects: [acme, globex] })).rejects.toThrow(
      /say which project/,
    );
    expect(
      await call('project_list_files', {}, { projects: [acme, globex], defaultProjectId: 'globex' }),
    ).toBe('secret.txt');
    await expect(call('project_list_files', {}, { projects: [] })).rejects.toThrow(/has no projects/);
  });
});

describe('notes tools', () => {
  it('saves notes and finds them again', async () => {
    expect(await call('notes_add', { text: 'Welcome to Nova', tags: ['welcome'] })).toBe(
      'Saved note note_1.',
    );
    expect(await call('notes_search', { query: 'welcome' })).toBe(
      '- [note_1] (2026-11-22 #welcome) Welcome to Nova',
    );
    expect(await call('notes_search', { query: 'zebra' })).toBe('No notes match "zebra".');
  });
});

describe('ToolRegistry', () => {
  it('refuses duplicate names and gives the model a JSON Schema of the arguments', () => {
    const registry = new ToolRegistry();
    const tool = tools.get('project_read_file')!;
    registry.register(tool);
    expect(() => registry.register(tool)).toThrow(/already registered/);
    const spec = toModelToolSpec(tool);
    expect(spec.inputSchema).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
    });
  });

  it('refuses a tool that claims fewer effects than the catalog gives it', () => {
    const registry = new ToolRegistry();
    const notesAdd = tools.get('notes_add')!;
    expect(() => registry.register({ ...notesAdd, effects: ['read'] })).toThrow(/catalog says write/);
  });
});
