import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../test/support/test-app.ts';
import { ProjectContextSource } from '../adapters/fs/project-context-source.ts';

let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-pack-')));
  fs.writeFileSync(path.join(root, 'plan.md'), '# Go-live\nThe Acme go-live is on 2027-03-01.\n');
  fs.writeFileSync(path.join(root, 'team.md'), '# Team\nJonas leads the rollout.\n');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('context assembly', () => {
  it('packs the project docs a task needs, records the manifest, and turns cited ids into evidence', async () => {
    const { app } = await createTestApp({
      projects: [{ id: 'acme', name: 'Acme', root, docs: [], tags: [] }],
      contextSource: new ProjectContextSource({ now: () => Date.now(), sleep: () => Promise.resolve() }),
      turns: [
        async (request) => {
          const first = request.messages[0];
          const text = first?.role === 'user' ? first.content : '';
          const id = /\[(ctx_[0-9a-f]+)\] file:\/\/acme\/plan\.md/.exec(text)?.[1] ?? 'none';
          return { text: `The go-live is on 2027-03-01 [${id}].` };
        },
      ],
    });
    const run = await app.ask({ text: 'when is the go-live', agent: 'assistant', projectId: 'acme' });
    expect(run.context.items.map((item) => item.provenance.sourceUri)).toEqual(['file://acme/plan.md#L1-L2']);
    expect(run.context.tokenizer).toBe('cl100k_base (estimate)');
    expect(run.outcome?.evidence).toEqual([run.context.items[0]!.id]);
    expect((await app.getRun(run.id)).run.context.items).toHaveLength(1);
  });

  it('marks an item stale when its file changed between packing and its next use in a handoff', async () => {
    const planner = {
      ...testAgent('planner', { tools: ['delegate'], delegates: ['writer'] }),
      model: 'test:planner',
    };
    const writer = { ...testAgent('writer', { tools: [] }), model: 'test:writer' };
    const { app } = await createTestApp({
      agents: [planner, writer],
      projects: [{ id: 'acme', name: 'Acme', root, docs: [], tags: [] }],
      contextSource: new ProjectContextSource({ now: () => Date.now(), sleep: () => Promise.resolve() }),
      scripts: {
        'test:planner': [
          async (request) => {
            const first = request.messages[0];
            const id = /\[(ctx_[0-9a-f]+)\]/.exec(first?.role === 'user' ? first.content : '')?.[1];
            // The owner edits the plan after it was packed, before the writer uses it.
            fs.writeFileSync(
              path.join(root, 'plan.md'),
              '# Go-live\nThe Acme go-live moved to 2027-04-12.\n',
            );
            return {
              toolCalls: [
                {
                  id: 'd1',
                  name: 'delegate',
                  input: { agent: 'writer', task: 'announce the go-live', contextItemIds: [id] },
                },
              ],
            };
          },
          { text: 'announced' },
        ],
        'test:writer': [{ text: 'Go-live on 2027-04-12.' }],
      },
    });
    const run = await app.ask({ text: 'announce the go-live date', agent: 'planner', projectId: 'acme' });
    const { children } = await app.getRun(run.id);
    const child = children[0]!;
    expect(child.context.stale).toEqual([
      { id: run.context.items[0]!.id, sourceUri: 'file://acme/plan.md#L1-L2', action: 'refreshed' },
    ]);
    expect(child.context.items[0]!.content).toContain('2027-04-12');
    expect(child.context.items[0]!.provenance.contentHash).not.toBe(
      run.context.items[0]!.provenance.contentHash,
    );
  });
});
