import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContextItem } from '../../domain/context-item.ts';
import type { ContextCandidate } from '../../context/pack-context.ts';
import type { TokenCounter } from '../../context/token-counter.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ContextSource } from '../../ports/context-source.ts';
import { walkProject } from '../../tools/builtin/walk-project.ts';
import { projectRelative, resolveInsideProject } from '../../tools/path-confinement.ts';
import type { ProjectRef } from '../../tools/tool.ts';

const textExtensions = new Set(['.md', '.markdown', '.txt', '.rst', '.adoc', '.org']);
const maxFiles = 500;
const maxFileBytes = 256 * 1024;
const maxChunkLines = 60;
const stopWords = new Set(
  'a an the and or of to in on at by for with from is are was be it this that these what which who how please can you me my our we'.split(
    ' ',
  ),
);

function queryWords(text: string): string[] {
  return [
    ...new Set(
      (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
        (word) => word.length > 2 && !stopWords.has(word),
      ),
    ),
  ];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Sections of a document: split at Markdown headings, and at most `maxChunkLines` lines each. */
function chunk(lines: readonly string[]): Array<{ start: number; end: number }> {
  const chunks: Array<{ start: number; end: number }> = [];
  let start = 0;
  for (let index = 1; index <= lines.length; index++) {
    const heading = index < lines.length && /^#{1,6}\s/.test(lines[index] ?? '');
    if (index === lines.length || heading || index - start >= maxChunkLines) {
      let end = index;
      while (end > start && (lines[end - 1] ?? '').trim() === '') end -= 1;
      if (end > start) chunks.push({ start, end });
      start = index;
    }
  }
  return chunks;
}

function sourceUri(project: ProjectRef, relative: string, start: number, end: number): string {
  return `file://${project.id}/${relative}#L${start + 1}-L${end}`;
}

function parseSourceUri(
  uri: string,
): { projectId: string; relative: string; start: number; end: number } | undefined {
  const match = /^file:\/\/([^/]+)\/(.+)#L(\d+)-L(\d+)$/.exec(uri);
  if (!match) return undefined;
  return { projectId: match[1]!, relative: match[2]!, start: Number(match[3]) - 1, end: Number(match[4]) };
}

/**
 * Context from a project's documents (its `docs` folders, else its root): text files split into
 * sections, scored by how many of the request's words they contain. Paths are confined to the
 * project like the file tools; items carry the project's trust (`untrusted` for other people's content).
 */
export class ProjectContextSource implements ContextSource {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async candidates(input: {
    text: string;
    project?: ProjectRef;
    counter: TokenCounter;
    limit: number;
  }): Promise<ContextCandidate[]> {
    const { project, counter } = input;
    if (!project) return [];
    const words = queryWords(input.text);
    if (words.length === 0) return [];
    const observedAt = new Date(this.#clock.now()).toISOString();
    const found: ContextCandidate[] = [];
    for (const file of await this.#documents(project)) {
      const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined || text.includes('\0')) continue;
      const relative = projectRelative(project, file);
      const lines = text.split(/\r?\n/);
      for (const { start, end } of chunk(lines)) {
        const content = lines.slice(start, end).join('\n');
        const haystack = `${relative} ${content}`.toLowerCase();
        const hits = words.filter((word) => haystack.includes(word)).length;
        if (hits === 0) continue;
        const uri = sourceUri(project, relative, start, end);
        found.push({
          id: `ctx_${sha256(uri).slice(0, 10)}`,
          kind: 'doc',
          content,
          tokens: counter.count(content),
          relevance: hits / words.length,
          provenance: {
            sourceUri: uri,
            observedAt,
            contentHash: sha256(content),
            trust: project.trust ?? 'trusted',
          },
        });
      }
    }
    return found.sort((a, b) => b.relevance - a.relevance || a.tokens - b.tokens).slice(0, input.limit);
  }

  async refresh(item: ContextItem, projects: readonly ProjectRef[], counter: TokenCounter) {
    const location = parseSourceUri(item.provenance.sourceUri);
    const project = location && projects.find((candidate) => candidate.id === location.projectId);
    if (!location || !project) return { state: 'gone' as const };
    let text: string;
    try {
      text = await fs.promises.readFile(await resolveInsideProject(project, location.relative), 'utf8');
    } catch {
      return { state: 'gone' as const };
    }
    const content = text.split(/\r?\n/).slice(location.start, location.end).join('\n');
    if (sha256(content) === item.provenance.contentHash) return { state: 'fresh' as const, item };
    return {
      state: 'refreshed' as const,
      item: {
        ...item,
        content,
        tokens: counter.count(content),
        provenance: {
          ...item.provenance,
          contentHash: sha256(content),
          observedAt: new Date(this.#clock.now()).toISOString(),
        },
      },
    };
  }

  async #documents(project: ProjectRef): Promise<string[]> {
    const files: string[] = [];
    // The file tools' walker: links are reported, never followed, so nothing outside the root is read.
    const signal = AbortSignal.timeout(10_000);
    for (const root of project.docs.length > 0 ? project.docs : ['.']) {
      let start: string;
      try {
        start = await resolveInsideProject(project, root);
      } catch {
        continue;
      }
      const stat = await fs.promises.stat(start).catch(() => undefined);
      if (stat?.isFile()) {
        if (textExtensions.has(path.extname(start).toLowerCase()) && stat.size <= maxFileBytes)
          files.push(start);
        continue;
      }
      for await (const entry of walkProject(start, { recursive: true, includeHidden: false, signal })) {
        if (files.length >= maxFiles) return files;
        if (entry.kind !== 'file' || !textExtensions.has(path.extname(entry.absolute).toLowerCase()))
          continue;
        const size = (await fs.promises.stat(entry.absolute).catch(() => undefined))?.size ?? Infinity;
        if (size <= maxFileBytes) files.push(entry.absolute);
      }
    }
    return files;
  }
}
