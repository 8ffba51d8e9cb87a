import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { looksLikeSecretFile, projectRelative, resolveNewPathInsideProject } from '../path-confinement.ts';
import { defineTool, type ProjectRef, type Tool } from '../tool.ts';
import { projectArgument } from './project-argument.ts';
import { selectProject } from './select-project.ts';

const maxWriteBytes = 1_000_000;

/** Paths no tool writes: version control internals and files of secrets. */
function refuseProtected(project: ProjectRef, relative: string): void {
  if (relative === '.git' || relative.startsWith('.git/') || relative.includes('/.git/')) {
    throw new NovaError(
      'FORBIDDEN',
      `"${relative}" is inside .git; file tools never write version-control internals (use git through a reviewed change)`,
      {
        details: { project: project.id, path: relative },
      },
    );
  }
  if (looksLikeSecretFile(relative)) {
    throw new NovaError(
      'FORBIDDEN',
      `"${relative}" looks like a file of secrets; file tools do not write it`,
      {
        details: { project: project.id, path: relative },
      },
    );
  }
}

/** `project_write_file` and `project_edit_file`: writes confined to a project root. */
export function createProjectWriteTools(): Tool[] {
  const write = defineTool({
    name: 'project_write_file',
    description:
      'Create or overwrite a text file in a project (path relative to the project root). Missing folders are created. Refuses paths outside the project, .git and secret files.',
    inputSchema: z
      .object({
        path: z.string().min(1).describe('relative path, e.g. "docs/setup.md"'),
        content: z
          .string()
          .max(maxWriteBytes, `a file written by a tool is at most ${maxWriteBytes} characters`),
        project: projectArgument,
      })
      .strict(),
    effects: ['write'],
    // Writing the same content again leaves the same file: repeating after a crash is harmless.
    idempotent: true,
    async execute(input, context) {
      const project = selectProject(context, input.project);
      const target = await resolveNewPathInsideProject(project, input.path);
      const relative = projectRelative(project, target);
      refuseProtected(project, relative);
      const existing = await fs.promises.lstat(target).catch(() => undefined);
      if (existing?.isDirectory()) throw new NovaError('BAD_REQUEST', `"${relative}" is a folder`);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      // Write beside the target and rename: a crash never leaves half a file.
      const temporary = `${target}.nova-${process.pid}-${Date.now()}.tmp`;
      await fs.promises.writeFile(temporary, input.content, { flag: 'wx' });
      await fs.promises.rename(temporary, target);
      return `${existing ? 'Overwrote' : 'Created'} ${relative} in project ${project.id} (${Buffer.byteLength(input.content)} bytes).`;
    },
  });

  const edit = defineTool({
    name: 'project_edit_file',
    description:
      'Replace one exact piece of text in a project file with another. `find` must occur exactly once (add surrounding lines to make it unique).',
    inputSchema: z
      .object({
        path: z.string().min(1),
        find: z.string().min(1).describe('the exact text to replace, occurring once'),
        replace: z.string().describe('the new text'),
        project: projectArgument,
      })
      .strict(),
    effects: ['write'],
    async execute(input, context) {
      const project = selectProject(context, input.project);
      const target = await resolveNewPathInsideProject(project, input.path);
      const relative = projectRelative(project, target);
      refuseProtected(project, relative);
      const text = await fs.promises.readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT')
          throw new NovaError(
            'NOT_FOUND',
            `"${relative}" does not exist in project ${project.id}; create it with project_write_file`,
          );
        throw error;
      });
      const first = text.indexOf(input.find);
      if (first < 0) {
        // Already edited (a repeat after a crash): the replacement is there and the original is not.
        if (input.replace.length > 0 && text.includes(input.replace))
          return `${relative} already contains the replacement; nothing to do.`;
        throw new NovaError(
          'BAD_REQUEST',
          `the text to find does not occur in ${relative}; read the file again and copy the exact text`,
        );
      }
      if (text.indexOf(input.find, first + 1) >= 0) {
        throw new NovaError(
          'BAD_REQUEST',
          `the text to find occurs more than once in ${relative}; include more surrounding lines so it is unique`,
        );
      }
      const updated = text.slice(0, first) + input.replace + text.slice(first + input.find.length);
      const temporary = `${target}.nova-${process.pid}-${Date.now()}.tmp`;
      await fs.promises.writeFile(temporary, updated, { flag: 'wx' });
      await fs.promises.rename(temporary, target);
      const line = text.slice(0, first).split('\n').length;
      return `Edited ${relative} at line ${line} in project ${project.id}.`;
    },
  });
  return [write, edit];
}
