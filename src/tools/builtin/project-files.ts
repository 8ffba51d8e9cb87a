import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { projectRelative, resolveInsideProject } from '../path-confinement.ts';
import { defineTool, type ProjectRef, type Tool } from '../tool.ts';
import { selectProject } from './select-project.ts';

const skippedFolders = new Set([
  '.git',
  'node_modules',
  '.nova',
  'dist',
  'build',
  'coverage',
  '.venv',
  '__pycache__',
]);
const maxReadLines = 400;
const maxReadBytes = 512 * 1024;
const maxSearchFileBytes = 1024 * 1024;
const maxFilesVisited = 20_000;

const projectArgument = z.string().min(1).optional().describe("project id; defaults to the task's project");

function isBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8_000).includes(0);
}

function skipEntry(name: string, includeHidden: boolean): boolean {
  return skippedFolders.has(name) || (!includeHidden && name.startsWith('.'));
}

/** Walks files under `start` (depth first, sorted), skipping build and VCS folders. */
async function* walkFiles(start: string, signal: AbortSignal, includeHidden = false): AsyncGenerator<string> {
  const stack = [start];
  let visited = 0;
  while (stack.length > 0) {
    if (signal.aborted) return;
    const directory = stack.pop()!;
    const entries = await fs.promises.readdir(directory, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => b.name.localeCompare(a.name));
    for (const entry of entries) {
      if (skipEntry(entry.name, includeHidden)) continue;
      const full = path.join(directory, entry.name);
      // Symlinks are not followed while walking: they could lead out of the project.
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        if (++visited > maxFilesVisited) return;
        yield full;
      }
    }
  }
}

export const projectListFilesTool: Tool = defineTool({
  name: 'project_list_files',
  description:
    'List files and folders of a project. Folders end with "/". Skips .git, node_modules and hidden entries unless includeHidden is true.',
  inputSchema: z
    .object({
      project: projectArgument,
      path: z.string().default('.').describe('folder relative to the project root'),
      recursive: z.boolean().default(false),
      includeHidden: z.boolean().default(false),
      limit: z.number().int().min(1).max(2_000).default(200),
    })
    .strict(),
  effects: ['read'],
  async execute(input, context) {
    const project = selectProject(context, input.project);
    const folder = await resolveInsideProject(project, input.path);
    const stat = await fs.promises.stat(folder);
    if (!stat.isDirectory())
      throw new NovaError('BAD_REQUEST', `"${input.path}" is a file; use project_read_file to read it`);
    const lines: string[] = [];
    let more = false;
    if (input.recursive) {
      for await (const file of walkFiles(folder, context.signal, input.includeHidden)) {
        if (lines.length >= input.limit) {
          more = true;
          break;
        }
        lines.push(projectRelative(project, file));
      }
    } else {
      const entries = (await fs.promises.readdir(folder, { withFileTypes: true }))
        .filter((entry) => input.includeHidden || !skipEntry(entry.name, false))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (lines.length >= input.limit) {
          more = true;
          break;
        }
        const relative = projectRelative(project, path.join(folder, entry.name));
        lines.push(entry.isDirectory() ? `${relative}/` : relative);
      }
    }
    if (lines.length === 0) return `"${input.path}" in project ${project.id} is empty.`;
    return `${lines.join('\n')}${more ? `\n[more entries not shown; raise limit (now ${input.limit}) or list a subfolder]` : ''}`;
  },
});

export const projectReadFileTool: Tool = defineTool({
  name: 'project_read_file',
  description: `Read a text file of a project, with line numbers. Reads at most ${maxReadLines} lines at a time; use startLine/endLine for more.`,
  inputSchema: z
    .object({
      project: projectArgument,
      path: z.string().min(1).describe('file path relative to the project root'),
      startLine: z.number().int().min(1).default(1),
      endLine: z.number().int().min(1).optional(),
    })
    .strict()
    .refine((input) => input.endLine === undefined || input.endLine >= input.startLine, {
      message: 'endLine must not be before startLine',
      path: ['endLine'],
    }),
  effects: ['read'],
  async execute(input, context) {
    const project = selectProject(context, input.project);
    const file = await resolveInsideProject(project, input.path);
    const stat = await fs.promises.stat(file);
    if (stat.isDirectory())
      throw new NovaError('BAD_REQUEST', `"${input.path}" is a folder; use project_list_files to list it`);
    const handle = await fs.promises.open(file, 'r');
    let buffer: Buffer;
    try {
      buffer = Buffer.alloc(Math.min(stat.size, maxReadBytes));
      await handle.read(buffer, 0, buffer.length, 0);
    } finally {
      await handle.close();
    }
    if (isBinary(buffer))
      throw new NovaError(
        'BAD_REQUEST',
        `"${input.path}" is a binary file (${stat.size} bytes); only text files can be read`,
      );
    const lines = buffer.toString('utf8').split(/\r?\n/);
    if (stat.size > maxReadBytes) lines.pop();
    const total = lines.length;
    if (input.startLine > total) {
      throw new NovaError(
        'BAD_REQUEST',
        `"${input.path}" has ${total} lines; startLine ${input.startLine} is past the end`,
      );
    }
    const last = Math.min(input.endLine ?? total, input.startLine + maxReadLines - 1, total);
    const width = String(last).length;
    const body = lines
      .slice(input.startLine - 1, last)
      .map((line, index) => `${String(input.startLine + index).padStart(width)}  ${line}`)
      .join('\n');
    const notes: string[] = [];
    if (last < total)
      notes.push(
        `[lines ${input.startLine}-${last} of ${stat.size > maxReadBytes ? 'more than ' : ''}${total}; read on with startLine ${last + 1}]`,
      );
    else if (stat.size > maxReadBytes)
      notes.push(`[only the first ${maxReadBytes} bytes of ${stat.size} can be read]`);
    return `${projectRelative(project, file)}\n${body}${notes.length > 0 ? `\n${notes.join('\n')}` : ''}`;
  },
});

export const projectSearchTool: Tool = defineTool({
  name: 'project_search',
  description:
    'Search the text files of a project for a phrase (case-insensitive). Returns "path:line: text" hits.',
  inputSchema: z
    .object({
      project: projectArgument,
      query: z.string().min(2, 'search for at least 2 characters'),
      path: z.string().default('.').describe('folder to search, relative to the project root'),
      glob: z.string().optional().describe('only files whose name matches, e.g. "*.md"'),
      limit: z.number().int().min(1).max(500).default(50),
    })
    .strict(),
  effects: ['read'],
  async execute(input, context) {
    const project: ProjectRef = selectProject(context, input.project);
    const folder = await resolveInsideProject(project, input.path);
    const needle = input.query.toLowerCase();
    const namePattern = input.glob ? globToRegExp(input.glob) : undefined;
    const hits: string[] = [];
    let filesSearched = 0;
    for await (const file of walkFiles(folder, context.signal)) {
      if (namePattern && !namePattern.test(path.basename(file))) continue;
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat || stat.size > maxSearchFileBytes) continue;
      const buffer = await fs.promises.readFile(file).catch(() => undefined);
      if (!buffer || isBinary(buffer)) continue;
      filesSearched += 1;
      const lines = buffer.toString('utf8').split(/\r?\n/);
      for (let index = 0; index < lines.length; index++) {
        const line = lines[index] ?? '';
        if (!line.toLowerCase().includes(needle)) continue;
        hits.push(`${projectRelative(project, file)}:${index + 1}: ${line.trim().slice(0, 300)}`);
        if (hits.length >= input.limit) {
          return `${hits.join('\n')}\n[stopped at ${input.limit} hits; narrow the query, path or glob]`;
        }
      }
    }
    if (hits.length === 0)
      return `No matches for "${input.query}" in ${filesSearched} files of project ${project.id}.`;
    return hits.join('\n');
  },
});

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('')
    .map((character) =>
      character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'i');
}
