import fs from 'node:fs';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { projectRelative, resolveInsideProject } from '../path-confinement.ts';
import { defineTool, type Tool } from '../tool.ts';
import { globMatcher } from './glob-matcher.ts';
import { projectArgument } from './project-argument.ts';
import { projectTrust, selectProject } from './select-project.ts';
import { looksBinary, throwIfCancelled, underFolder, walkProject } from './walk-project.ts';
import { looksLikeSecretFile } from '../path-confinement.ts';

export const maxSearchFileBytes = 1024 * 1024;
export const maxFilesSearched = 20_000;
const snippetCharacters = 240;

/** The part of a long line around the match, so a hit deep in a minified line still shows. */
function snippet(line: string, matchIndex: number): string {
  const trimmed = line.trim();
  if (trimmed.length <= snippetCharacters) return trimmed;
  const offset = line.length - line.trimStart().length;
  const start = Math.max(0, matchIndex - offset - snippetCharacters / 3);
  const end = Math.min(trimmed.length, start + snippetCharacters);
  return `${start > 0 ? '…' : ''}${trimmed.slice(start, end)}${end < trimmed.length ? '…' : ''}`;
}

export const projectSearchTool: Tool = defineTool({
  name: 'project_search',
  description:
    'Search the text files of a project for a phrase (plain text, case-insensitive). Returns one "path:line: text" hit per matching line. Skips binary files, files over 1 MB, .git, node_modules and hidden entries.',
  inputSchema: z
    .object({
      project: projectArgument,
      query: z.string().min(2, 'search for at least 2 characters').describe('text to find; not a regex'),
      path: z.string().default('.').describe('folder to search, relative to the project root'),
      glob: z
        .string()
        .min(1)
        .optional()
        .describe('only files matching this pattern: "*.md" matches names, "src/**/*.ts" matches paths'),
      limit: z.number().int().min(1).max(500).default(50).describe('most hits to return'),
    })
    .strict(),
  effects: ['read'],
  trustOf: (input, context) => projectTrust(context, input.project),
  async execute(input, context) {
    const project = selectProject(context, input.project);
    const folder = await resolveInsideProject(project, input.path);
    const stat = await fs.promises.stat(folder);
    if (!stat.isDirectory()) {
      throw new NovaError(
        'BAD_REQUEST',
        `"${input.path}" in project "${project.id}" is a file; search a folder, or read the file with project_read_file`,
      );
    }
    const shownFolder = projectRelative(project, folder);
    const needle = input.query.toLowerCase();
    const matches = input.glob === undefined ? undefined : globMatcher(input.glob);
    const hits: string[] = [];
    let filesSearched = 0;
    let largeFilesSkipped = 0;
    let stoppedAtFileLimit = false;
    walk: for await (const entry of walkProject(folder, {
      recursive: true,
      includeHidden: false,
      signal: context.signal,
    })) {
      if (entry.kind !== 'file' || entry.hidden) continue;
      const shownPath = underFolder(shownFolder, entry.relative);
      if (matches && !matches(shownPath)) continue;
      // Credentials are never searched (their names still show in file listings).
      if (looksLikeSecretFile(shownPath)) continue;
      if (filesSearched >= maxFilesSearched) {
        stoppedAtFileLimit = true;
        break;
      }
      const size = (await fs.promises.stat(entry.absolute).catch(() => undefined))?.size;
      if (size === undefined) continue;
      if (size > maxSearchFileBytes) {
        largeFilesSkipped += 1;
        continue;
      }
      const content = await fs.promises.readFile(entry.absolute).catch(() => undefined);
      throwIfCancelled(context.signal);
      if (!content || looksBinary(content)) continue;
      filesSearched += 1;
      const text = content.toString('utf8');
      // Most files do not match: test the whole text once before splitting it into lines.
      if (!text.toLowerCase().includes(needle)) continue;
      const lines = text.split(/\r\n|\r|\n/);
      for (const [index, line] of lines.entries()) {
        const matchIndex = line.toLowerCase().indexOf(needle);
        if (matchIndex < 0) continue;
        hits.push(`${shownPath}:${index + 1}: ${snippet(line, matchIndex)}`);
        if (hits.length >= input.limit) break walk;
      }
    }
    const notes: string[] = [];
    if (hits.length >= input.limit)
      notes.push(`[stopped at ${input.limit} hits; narrow the query, path or glob, or raise limit]`);
    if (stoppedAtFileLimit)
      notes.push(`[stopped after ${maxFilesSearched} files; search a subfolder or use a glob]`);
    if (largeFilesSkipped > 0)
      notes.push(
        `[not searched: ${largeFilesSkipped} file${largeFilesSkipped === 1 ? '' : 's'} over ${maxSearchFileBytes / 1024 / 1024} MB; read ${largeFilesSkipped === 1 ? 'it' : 'them'} with project_read_file]`,
      );
    if (hits.length === 0) {
      const where = [
        shownFolder === '.' ? '' : ` under "${shownFolder}"`,
        input.glob === undefined ? '' : ` matching "${input.glob}"`,
      ].join('');
      notes.unshift(
        `No matches for "${input.query}" in ${filesSearched} text files of project ${project.id}${where}.`,
      );
    }
    return [...hits, ...notes].join('\n');
  },
});
