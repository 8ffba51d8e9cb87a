import type { ContextCandidate } from '../context/pack-context.ts';
import type { TokenCounter } from '../context/token-counter.ts';
import type { ContextItem } from '../domain/context-item.ts';
import type { ContextSource } from '../ports/context-source.ts';
import type { MemoryItem } from '../ports/memory-store.ts';
import type { ProjectRef } from '../tools/tool.ts';
import type { MemoryService } from './memory-service.ts';

const memoryPrefix = 'memory://';

function toItem(item: MemoryItem, counter: TokenCounter): ContextItem {
  const content = `(${item.kind}${item.key ? `, ${item.key}` : ''}, since ${item.validFrom.slice(0, 10)}) ${item.text}`;
  return {
    id: item.id,
    kind: 'memory',
    content,
    provenance: {
      sourceUri: `${memoryPrefix}${item.id}`,
      observedAt: item.validFrom,
      contentHash: item.provenance.contentHash,
      trust: item.provenance.trust,
    },
    tokens: counter.count(content),
  };
}

/**
 * Memory as context: current facts, decisions and preferences in the scopes the agent may read,
 * found by the hybrid search, each with its provenance. A remembered item that was superseded
 * since is replaced by its successor when the item is used again; a forgotten one is dropped.
 */
export class MemoryContextSource implements ContextSource {
  readonly #memory: MemoryService;

  constructor(memory: MemoryService) {
    this.#memory = memory;
  }

  async candidates(input: {
    text: string;
    memoryScopes?: readonly string[];
    counter: TokenCounter;
    limit: number;
  }): Promise<ContextCandidate[]> {
    const scopes = input.memoryScopes ?? [];
    if (scopes.length === 0) return [];
    const hits = await this.#memory.search(input.text, {
      scopes,
      limit: Math.min(input.limit, 20),
      kinds: ['fact', 'decision', 'preference', 'episode'],
    });
    const best = hits[0]?.score ?? 1;
    return hits.map((hit) => ({
      ...toItem(hit.item, input.counter),
      relevance: Math.min(1, hit.score / best),
    }));
  }

  async refresh(
    item: ContextItem,
    _projects: readonly ProjectRef[],
    counter: TokenCounter,
  ): Promise<
    { state: 'fresh'; item: ContextItem } | { state: 'refreshed'; item: ContextItem } | { state: 'gone' }
  > {
    const id = item.provenance.sourceUri.slice(memoryPrefix.length);
    const chain = await this.#memory.history(id).catch(() => []);
    const current = chain.at(-1);
    if (!current || current.validUntil) return { state: 'gone' };
    if (current.id === id) return { state: 'fresh', item };
    return { state: 'refreshed', item: { ...toItem(current, counter), id: item.id } };
  }
}

/** Several sources as one: candidates from all, each item refreshed by the source it came from. */
export class CompositeContextSource implements ContextSource {
  readonly #sources: ReadonlyArray<{ readonly scheme?: string; readonly source: ContextSource }>;

  constructor(sources: ReadonlyArray<{ readonly scheme?: string; readonly source: ContextSource }>) {
    this.#sources = sources;
  }

  async candidates(input: Parameters<ContextSource['candidates']>[0]): Promise<ContextCandidate[]> {
    const all = await Promise.all(this.#sources.map(({ source }) => source.candidates(input)));
    return all.flat();
  }

  refresh(
    item: ContextItem,
    projects: readonly ProjectRef[],
    counter: TokenCounter,
  ): ReturnType<ContextSource['refresh']> {
    const owner =
      this.#sources.find(
        ({ scheme }) => scheme !== undefined && item.provenance.sourceUri.startsWith(scheme),
      ) ?? this.#sources.find(({ scheme }) => scheme === undefined);
    return owner ? owner.source.refresh(item, projects, counter) : Promise.resolve({ state: 'gone' });
  }
}
