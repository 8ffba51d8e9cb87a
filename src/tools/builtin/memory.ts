import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { memoryKinds, type MemoryItem, type MemoryKind, type MemoryQuery } from '../../ports/memory-store.ts';
import { defineTool, type Tool, type ToolContext } from '../tool.ts';

/** What the memory tools need (the app's MemoryService). */
export interface MemoryAccess {
  write(request: {
    scope: string;
    kind: MemoryKind;
    text: string;
    key?: string;
    tags?: readonly string[];
    runId?: string;
    author: string;
    trust?: 'trusted' | 'untrusted';
    supersedes?: string;
    sourceUri?: string;
  }): Promise<{ item: MemoryItem; outcome: string }>;
  search(text: string, query: MemoryQuery): Promise<Array<{ item: MemoryItem; score: number }>>;
}

/** The memory scopes an agent's policy lists (`global`, `project`, `project:<id>`, `agent`, `run`). */
export type MemoryPolicyLookup = (agent: string) => {
  readonly read: readonly string[];
  readonly write: readonly string[];
};

/** Policy entries → concrete scopes for this run: `project` means each project the agent may touch. */
export function resolveScopes(entries: readonly string[], context: ToolContext): string[] {
  const scopes = new Set<string>();
  const projectIds = context.projects.map((project) => project.id);
  for (const entry of entries) {
    if (entry === 'global') scopes.add('global');
    else if (entry === 'project') for (const id of projectIds) scopes.add(`project:${id}`);
    else if (entry.startsWith('project:')) {
      if (projectIds.includes(entry.slice('project:'.length))) scopes.add(entry);
    } else if (entry === 'agent') scopes.add(`agent:${context.agent}`);
    else if (entry === 'run') scopes.add(`run:${context.delegation?.rootRunId ?? context.runId}`);
  }
  return [...scopes];
}

function cite(item: MemoryItem): string {
  if (item.location)
    return `${item.location.projectId}:${item.location.path}:${item.location.startLine}-${item.location.endLine}`;
  return item.id;
}

/** `memory_search` and `memory_write`, limited in code to the scopes the agent's policy allows. */
export function createMemoryTools(memory: MemoryAccess, policyOf: MemoryPolicyLookup): Tool[] {
  const search = defineTool({
    name: 'memory_search',
    description:
      "Search Nova's memory (facts, decisions, preferences, indexed project documents) within the scopes you may read. Each hit says where it came from; cite it.",
    inputSchema: z
      .object({
        query: z.string().trim().min(1).describe('what to look for'),
        scope: z
          .string()
          .optional()
          .describe('one scope, e.g. "project:acme" or "global"; default: all you may read'),
        limit: z.number().int().min(1).max(20).default(8),
        includeHistory: z.boolean().default(false).describe('also superseded and forgotten items'),
      })
      .strict(),
    effects: ['read'],
    async execute(input, context) {
      const readable = resolveScopes(policyOf(context.agent).read, context);
      if (input.scope !== undefined && !readable.includes(input.scope)) {
        throw new NovaError(
          'FORBIDDEN',
          `agent "${context.agent}" may not read memory scope "${input.scope}"; it may read: ${readable.join(', ') || 'none'}`,
        );
      }
      const scopes = input.scope === undefined ? readable : [input.scope];
      if (scopes.length === 0)
        throw new NovaError('FORBIDDEN', `agent "${context.agent}" may not read any memory`);
      const hits = await memory.search(input.query, {
        scopes,
        limit: input.limit,
        includeHistory: input.includeHistory,
      });
      for (const { item } of hits) {
        if (item.provenance.trust === 'untrusted')
          context.markUntrusted?.(`memory ${item.id} (from ${item.provenance.sourceUri})`);
      }
      if (hits.length === 0)
        return `Nothing in memory matches "${input.query}" (scopes: ${scopes.join(', ')}).`;
      return hits
        .map(
          ({ item }) =>
            `[${cite(item)}] (${item.kind}, ${item.scope}, ${item.validFrom.slice(0, 10)}${item.validUntil ? `, no longer valid since ${item.validUntil.slice(0, 10)}` : ''}) ${item.text}`,
        )
        .join('\n');
    },
  });

  const write = defineTool({
    name: 'memory_write',
    description:
      'Remember a fact, decision or preference (self-contained sentence). Give `key` (a short subject like "db-engine") so a later change supersedes it instead of contradicting it.',
    inputSchema: z
      .object({
        text: z.string().trim().min(1).max(4_000),
        kind: z.enum(
          memoryKinds.filter((kind) => kind !== 'document-chunk') as [
            'fact',
            'decision',
            'preference',
            'episode',
          ],
        ),
        scope: z.string().optional().describe('where it belongs; default: the task project, else global'),
        key: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/)
          .optional(),
        tags: z.array(z.string().min(1)).max(10).default([]),
        supersedes: z.string().optional().describe('id of an older item this replaces'),
      })
      .strict(),
    effects: ['write'],
    async execute(input, context) {
      const writable = resolveScopes(policyOf(context.agent).write, context);
      const preferred = context.defaultProjectId ? `project:${context.defaultProjectId}` : 'global';
      const scope = input.scope ?? (writable.includes(preferred) ? preferred : writable[0]);
      if (scope === undefined || !writable.includes(scope)) {
        throw new NovaError(
          'FORBIDDEN',
          `agent "${context.agent}" may not write memory scope "${scope ?? '(none)'}"; it may write: ${writable.join(', ') || 'none'}`,
        );
      }
      // Knowledge taken from untrusted content stays untrusted for whoever reads it later.
      const taint = context.taint?.() ?? [];
      const { item, outcome } = await memory.write({
        scope,
        kind: input.kind,
        text: input.text,
        ...(input.key ? { key: input.key } : {}),
        tags: input.tags,
        ...(input.supersedes ? { supersedes: input.supersedes } : {}),
        runId: context.runId,
        author: context.agent,
        trust: taint.length > 0 ? 'untrusted' : 'trusted',
        sourceUri: `run://${context.runId}`,
      });
      return outcome === 'duplicate'
        ? `Already remembered as ${item.id}.`
        : `Remembered as ${item.id} in ${scope}${outcome === 'superseded' ? ` (supersedes ${item.supersedes})` : ''}.`;
    },
  });
  return [search, write];
}
