import fs from 'node:fs';
import readline from 'node:readline';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { looksLikeSecretFile, projectRelative, resolveInsideProject } from '../path-confinement.ts';
import { defineTool, type Tool } from '../tool.ts';
import { projectArgument } from './project-argument.ts';
import { projectTrust, selectProject } from './select-project.ts';
import { looksBinary, throwIfCancelled } from './walk-project.ts';

export const maxLinesPerRead = 400;
export const maxCharactersPerRead = 60_000;
export const maxLineCharacters = 2_000;
/** Up to this size the whole file is scanned so the reply can say how many lines it has. */
const countAllLinesUpToBytes = 8 * 1024 * 1024;
// Refuses to follow a symlink swapped in after the path was checked (no such flag on Windows).
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

interface LineRange {
  readonly lines: string[];
  /** Lines in the file, when the whole file was scanned. */
  readonly total: number | undefined;
  /** The number of the first line not returned, when lines after the range were cut. */
  readonly cutBefore: number | undefined;
  readonly cutForSize: boolean;
}

async function readLineRange(
  handle: fs.promises.FileHandle,
  size: number,
  first: number,
  last: number,
  signal: AbortSignal,
): Promise<LineRange> {
  const lines: string[] = [];
  let characters = 0;
  let number = 0;
  let cutBefore: number | undefined;
  let cutForSize = false;
  const stream = handle.createReadStream({ encoding: 'utf8', autoClose: false, start: 0 });
  const reader = readline.createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const raw of reader) {
      number += 1;
      if (number % 1_000 === 0) throwIfCancelled(signal);
      if (number < first) continue;
      if (cutBefore !== undefined) {
        if (size > countAllLinesUpToBytes) return { lines, total: undefined, cutBefore, cutForSize };
        continue;
      }
      const line = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      const shown =
        line.length > maxLineCharacters
          ? `${line.slice(0, maxLineCharacters)} … [line cut at ${maxLineCharacters} of ${line.length} characters]`
          : line;
      const tooMuch = lines.length > 0 && characters + shown.length > maxCharactersPerRead;
      if (number > last || tooMuch) {
        cutBefore = number;
        cutForSize = tooMuch && number <= last;
        if (size > countAllLinesUpToBytes) return { lines, total: undefined, cutBefore, cutForSize };
        continue;
      }
      lines.push(shown);
      characters += shown.length + 1;
    }
  } finally {
    reader.close();
    stream.destroy();
  }
  return { lines, total: number, cutBefore, cutForSize };
}

export const projectReadFileTool: Tool = defineTool({
  name: 'project_read_file',
  description: `Read a text file of a project; each line starts with its number. At most ${maxLinesPerRead} lines per call: use startLine and endLine to read a long file in parts.`,
  inputSchema: z
    .object({
      project: projectArgument,
      path: z.string().min(1).describe('file path relative to the project root, e.g. "src/index.ts"'),
      startLine: z.number().int().min(1).default(1).describe('first line to return (1-based)'),
      endLine: z.number().int().min(1).optional().describe('last line to return (inclusive)'),
    })
    .strict()
    .refine((input) => input.endLine === undefined || input.endLine >= input.startLine, {
      message: 'endLine must not be before startLine',
      path: ['endLine'],
    }),
  effects: ['read'],
  trustOf: (input, context) => projectTrust(context, input.project),
  async execute(input, context) {
    const project = selectProject(context, input.project);
    const file = await resolveInsideProject(project, input.path);
    const shownPath = projectRelative(project, file);
    if (looksLikeSecretFile(shownPath)) {
      throw new NovaError(
        'FORBIDDEN',
        `"${shownPath}" looks like a file of secrets (keys, tokens, passwords); file tools do not read it. Tools that need a secret get it by name from Nova's secrets, never through the model`,
        { details: { project: project.id, path: shownPath } },
      );
    }
    const stat = await fs.promises.stat(file);
    if (stat.isDirectory()) {
      throw new NovaError(
        'BAD_REQUEST',
        `"${input.path}" in project "${project.id}" is a folder; list it with project_list_files`,
      );
    }
    // A FIFO or device would block or never end.
    if (!stat.isFile())
      throw new NovaError('BAD_REQUEST', `"${input.path}" is not a regular file and cannot be read`);
    if (stat.size === 0) return `${shownPath} is empty (0 bytes).`;
    const handle = await fs.promises.open(file, openFlags);
    let range: LineRange;
    try {
      const head = Buffer.alloc(Math.min(stat.size, 8_000));
      await handle.read(head, 0, head.length, 0);
      if (looksBinary(head)) {
        throw new NovaError(
          'BAD_REQUEST',
          `"${shownPath}" is a binary file (${stat.size} bytes); only text files can be read`,
          { details: { project: project.id, path: shownPath } },
        );
      }
      const last = Math.min(input.endLine ?? Infinity, input.startLine + maxLinesPerRead - 1);
      range = await readLineRange(handle, stat.size, input.startLine, last, context.signal);
    } finally {
      await handle.close();
    }
    if (range.lines.length === 0) {
      throw new NovaError(
        'BAD_REQUEST',
        `"${shownPath}" has ${range.total ?? 'fewer'} lines; startLine ${input.startLine} is past the end`,
      );
    }
    const lastShown = input.startLine + range.lines.length - 1;
    const width = String(lastShown).length;
    const body = range.lines.map(
      (line, index) => `${String(input.startLine + index).padStart(width)}  ${line}`,
    );
    const of = range.total === undefined ? '' : ` of ${range.total}`;
    const header = `${shownPath} (lines ${input.startLine}-${lastShown}${of})`;
    const footer: string[] = [];
    // A range that stopped before the requested end (or the end of the file) says how to go on.
    if (range.cutBefore !== undefined && range.cutBefore <= (input.endLine ?? Infinity)) {
      const why = range.cutForSize
        ? `the reply is capped at ${maxCharactersPerRead} characters`
        : `at most ${maxLinesPerRead} lines are returned per call`;
      footer.push(`[more lines follow (${why}); read on with startLine ${range.cutBefore}]`);
    }
    return [header, ...body, ...footer].join('\n');
  },
});
