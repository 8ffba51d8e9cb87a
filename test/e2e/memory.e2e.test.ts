import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, repoRoot, runCli } from '../support/run-cli.ts';

/** Memory and second-brain search through the real CLI, over the two sample projects. */
describe('memory and search (e2e)', () => {
  let workspace: { dir: string; cleanup(): void };
  beforeAll(() => {
    workspace = makeWorkspace();
    fs.cpSync(path.join(repoRoot, 'examples/projects'), workspace.dir, { recursive: true });
    fs.writeFileSync(
      path.join(workspace.dir, 'script.json'),
      JSON.stringify({
        responses: [
          { toolCalls: [{ name: 'memory_search', args: { query: 'database', scope: 'project:saas-app' } }] },
          { text: 'done' },
        ],
      }),
    );
  });
  afterAll(() => workspace.cleanup());
  const nova = (...args: string[]) =>
    runCli(args, { cwd: workspace.dir, env: { NOVA_MODEL: 'scripted:script.json' } });

  it('indexes both sample projects incrementally and searches across them with citations', async () => {
    const first = await nova('index');
    expect(first.stdout).toContain('acme-erp: 3 files (3 read, 0 unchanged, 0 removed)');
    expect(first.stdout).toContain('saas-app: 3 files (3 read, 0 unchanged, 0 removed)');
    expect((await nova('index')).stdout).toContain(
      'acme-erp: 3 files (0 read, 3 unchanged, 0 removed), 0 new chunks',
    );
    const hits = JSON.parse((await nova('search', 'invoices', 'PDF', '--json')).stdout) as {
      hits: Array<{ citation: string }>;
    };
    const cited = hits.hits.map((hit) => hit.citation);
    expect(cited).toEqual(
      expect.arrayContaining(['acme-erp:docs/decisions.md:1-6', 'saas-app:docs/architecture.md:1-10']),
    );
    const one = (await nova('search', 'PostgreSQL', '--project', 'saas-app')).stdout;
    expect(one).toContain('[saas-app:docs/architecture.md:1-10]');
    expect(one).not.toContain('acme-erp');
  });

  it('keeps a changed decision with its history, retrieving the new one', async () => {
    const first = await nova(
      'memory',
      'add',
      'Acme',
      'cuts',
      'over',
      'on',
      '28',
      'November',
      '--scope',
      'project:acme-erp',
      '--kind',
      'decision',
      '--key',
      'cut-over',
      '--json',
    );
    const { item: old } = JSON.parse(first.stdout) as { item: { id: string } };
    const second = await nova(
      'memory',
      'add',
      'Acme',
      'cut-over',
      'moved',
      'to',
      '5',
      'December',
      '--scope',
      'project:acme-erp',
      '--kind',
      'decision',
      '--key',
      'cut-over',
    );
    expect(second.stdout).toMatch(new RegExp(`Remembered mem_\\w+ \\(supersedes ${old.id}`));
    const found = (await nova('search', 'Acme', 'cut-over')).stdout;
    expect(found).toContain('moved to 5 December');
    expect(found).not.toContain('on 28 November');
    const history = (await nova('memory', 'history', old.id)).stdout;
    expect(history.indexOf('cuts over on 28 November')).toBeLessThan(history.indexOf('moved to 5 December'));
    expect(history).toContain('superseded by');
    const duplicate = await nova(
      'memory',
      'add',
      'Acme cut-over moved to 5 December',
      '--scope',
      'project:acme-erp',
      '--kind',
      'decision',
      '--key',
      'cut-over',
    );
    expect(duplicate.stdout).toContain('Already remembered');
  });

  it("lets an agent read only the memory its policy allows (the translator none, second-brain its projects')", async () => {
    // translator has no memory scopes: the runtime refuses its memory_search, whatever the model asks.
    const result = await nova('policy', 'check', 'translator', 'memory_search', '{"query": "x"}');
    expect(result.code).toBe(7);
    // second-brain may read project memory of projects it may access, but not a scope it was not given.
    const asked = await nova(
      'ask',
      'what database does the saas app use?',
      '--agent',
      'second-brain',
      '--json',
    );
    const { runId } = JSON.parse(asked.stdout) as { runId: string };
    const shown = (await nova('runs', 'show', runId, '--full')).stdout;
    expect(shown).toContain('[saas-app:docs/architecture.md:1-10]');
  });

  it('gives an agent what it may read from memory as context items with provenance', async () => {
    await nova(
      'memory',
      'add',
      'The accountant prefers invoices as PDF attachments',
      '--scope',
      'global',
      '--kind',
      'preference',
    );
    const asked = JSON.parse(
      (
        await nova(
          'ask',
          'how does the accountant want invoices?',
          '--agent',
          'assistant',
          '--json',
          '--fresh',
        )
      ).stdout,
    ) as {
      runId: string;
    };
    const { run } = JSON.parse((await nova('runs', 'show', asked.runId, '--json')).stdout) as {
      run: {
        context: {
          items: Array<{ kind: string; content: string; provenance: { sourceUri: string; trust: string } }>;
        };
      };
    };
    const remembered = run.context.items.filter((item) => item.kind === 'memory');
    expect(remembered).toEqual([
      expect.objectContaining({
        content: expect.stringContaining('The accountant prefers invoices as PDF attachments'),
        provenance: expect.objectContaining({
          sourceUri: expect.stringMatching(/^memory:\/\/mem_/),
          trust: 'trusted',
        }),
      }),
    ]);
  });

  it('memory-keeper extracts what a finished run decided into memory', async () => {
    fs.writeFileSync(
      path.join(workspace.dir, 'extract.json'),
      JSON.stringify({
        responses: [{ text: 'We will invoice Acme monthly from January.' }],
        cases: [
          {
            when: { agent: 'memory-keeper' },
            responses: [
              {
                toolCalls: [
                  {
                    name: 'memory_write',
                    args: {
                      text: 'Acme is invoiced monthly from January 2027',
                      kind: 'decision',
                      key: 'acme-invoicing',
                      scope: 'global',
                    },
                  },
                ],
              },
              { text: 'Saved one decision.' },
            ],
          },
        ],
      }),
    );
    const env = { NOVA_MODEL: 'scripted:extract.json' };
    const asked = JSON.parse(
      (
        await runCli(['ask', 'how should we invoice Acme?', '--agent', 'assistant', '--json', '--fresh'], {
          cwd: workspace.dir,
          env,
        })
      ).stdout,
    ) as {
      runId: string;
    };
    const extracted = await runCli(['memory', 'extract', asked.runId], { cwd: workspace.dir, env });
    expect(extracted.stdout).toMatch(/Remembered as mem_\w+ in global/);
    expect(extracted.stdout).toContain('1 item(s) remembered');
    expect((await nova('memory', 'list', '--scope', 'global')).stdout).toContain(
      'Acme is invoiced monthly from January 2027',
    );
  });
});
