import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenCounterFor } from '../../context/token-counter.ts';
import type { ProjectRef } from '../../tools/tool.ts';
import { ProjectContextSource } from './project-context-source.ts';

let base: string;
let project: ProjectRef;
const counter = tokenCounterFor('openai:gpt-4o');
const source = new ProjectContextSource({
  now: () => Date.parse('2026-11-22T12:00:00Z'),
  sleep: () => Promise.resolve(),
});

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-context-')));
  const root = path.join(base, 'acme');
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'docs/invoicing.md'),
    '# Invoicing\nInvoices go out on the first working day.\n\n# Discounts\nWholesale customers get 5% above 10k.\n',
  );
  fs.writeFileSync(path.join(root, 'docs/holidays.md'), '# Holidays\nThe office closes in August.\n');
  fs.writeFileSync(path.join(base, 'secret.md'), 'invoicing secret outside the project');
  fs.symlinkSync(path.join(base, 'secret.md'), path.join(root, 'docs/escape.md'));
  project = { id: 'acme', name: 'Acme', root, docs: ['docs'], tags: [] };
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('ProjectContextSource', () => {
  it('offers matching sections of the docs with provenance, best first, never through a symlink out', async () => {
    const candidates = await source.candidates({
      text: 'Which discounts do wholesale customers get on invoices?',
      project,
      counter,
      limit: 10,
    });
    expect(candidates.map((candidate) => candidate.provenance.sourceUri)).toEqual([
      'file://acme/docs/invoicing.md#L4-L5',
      'file://acme/docs/invoicing.md#L1-L2',
    ]);
    const [first] = candidates;
    expect(first).toMatchObject({
      kind: 'doc',
      provenance: { trust: 'trusted', observedAt: '2026-11-22T12:00:00.000Z' },
    });
    expect(first!.tokens).toBe(counter.count(first!.content));
    expect(first!.provenance.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(candidates.some((candidate) => candidate.content.includes('secret'))).toBe(false);
  });

  it('re-checks an item against its source: fresh, refreshed when edited, gone when deleted', async () => {
    const [item] = await source.candidates({
      text: 'invoices first working day',
      project,
      counter,
      limit: 1,
    });
    expect((await source.refresh(item!, [project], counter)).state).toBe('fresh');
    fs.writeFileSync(
      path.join(project.root, 'docs/invoicing.md'),
      '# Invoicing\nInvoices now go out on the 5th.\n\n# Discounts\nnone\n',
    );
    const refreshed = await source.refresh(item!, [project], counter);
    expect(refreshed).toMatchObject({
      state: 'refreshed',
      item: { content: expect.stringContaining('5th') },
    });
    fs.rmSync(path.join(project.root, 'docs/invoicing.md'));
    expect((await source.refresh(item!, [project], counter)).state).toBe('gone');
    expect((await source.refresh(item!, [], counter)).state).toBe('gone');
  });
});
