import { describe, expect, it } from 'vitest';
import type { MemoryItem, MemoryQuery } from '../../ports/memory-store.ts';
import type { ToolContext } from '../tool.ts';
import { createMemoryTools } from './memory.ts';

const acme = { id: 'acme', name: 'Acme', root: '/p/acme', docs: [], tags: [] };
const globex = { id: 'globex', name: 'Globex', root: '/p/globex', docs: [], tags: [] };

function setup(policy: { read: string[]; write: string[] }) {
  const queries: MemoryQuery[] = [];
  const writes: Array<{ scope: string; trust?: string }> = [];
  const item = (scope: string, trust: 'trusted' | 'untrusted' = 'trusted'): MemoryItem => ({
    id: `mem_${scope}`,
    scope,
    kind: 'fact',
    text: `a fact in ${scope}`,
    tags: [],
    confidence: 1,
    provenance: {
      sourceUri: 'https://example.org',
      observedAt: '2026-11-22T00:00:00Z',
      contentHash: 'h',
      trust,
      author: 'x',
    },
    validFrom: '2026-11-22T00:00:00Z',
  });
  const [search, write] = createMemoryTools(
    {
      search: (_text, query) => {
        queries.push(query);
        return Promise.resolve(
          query.scopes.map((scope) => ({
            item: item(scope, scope === 'global' ? 'untrusted' : 'trusted'),
            score: 1,
          })),
        );
      },
      write: (request) => {
        writes.push(request);
        return Promise.resolve({ item: item(request.scope), outcome: 'created' });
      },
    },
    () => policy,
  );
  return { search: search!, write: write!, queries, writes };
}

const context = (extra: Partial<ToolContext> = {}): ToolContext => ({
  runId: 'run_1',
  agent: 'a',
  projects: [acme],
  signal: new AbortController().signal,
  ...extra,
});

describe('memory tools', () => {
  it('search only the scopes the policy grants, resolving "project" to the projects the agent may touch', async () => {
    const { search, queries } = setup({ read: ['global', 'project'], write: [] });
    await search.execute({ query: 'x', limit: 5, includeHistory: false }, context());
    expect(queries[0]?.scopes).toEqual(['global', 'project:acme']);
    await expect(
      search.execute({ query: 'x', scope: 'project:globex', limit: 5, includeHistory: false }, context()),
    ).rejects.toThrow(/may not read memory scope "project:globex"; it may read: global, project:acme/);
  });

  it('an agent without a project scope cannot read that project memory, even with the project itself allowed', async () => {
    const { search } = setup({ read: ['global'], write: [] });
    await expect(
      search.execute(
        { query: 'x', scope: 'project:acme', limit: 5, includeHistory: false },
        context({ projects: [acme, globex] }),
      ),
    ).rejects.toThrow(/may not read memory scope "project:acme"/);
  });

  it('taints the run that finds untrusted memory, and stores what a tainted run writes as untrusted', async () => {
    const { search, write, writes } = setup({ read: ['global'], write: ['project'] });
    const marked: string[] = [];
    await search.execute(
      { query: 'x', limit: 5, includeHistory: false },
      context({ markUntrusted: (source) => marked.push(source) }),
    );
    expect(marked).toEqual(['memory mem_global (from https://example.org)']);
    await write.execute(
      { text: 'y', kind: 'fact', tags: [] },
      context({ defaultProjectId: 'acme', taint: () => ['web page'] }),
    );
    expect(writes[0]).toMatchObject({ scope: 'project:acme', trust: 'untrusted' });
    await expect(
      write.execute({ text: 'y', kind: 'fact', tags: [], scope: 'global' }, context()),
    ).rejects.toThrow(/may not write memory scope "global"/);
  });
});
