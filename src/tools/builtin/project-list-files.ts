import fs from 'node:fs';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { projectRelative, resolveInsideProject } from '../path-confinement.ts';
import { defineTool, type Tool } from '../tool.ts';
import { projectArgument } from './project-argument.ts';
import { projectTrust, selectProject } from './select-project.ts';
import { underFolder, walkProject } from './walk-project.ts';

export const projectListFilesTool: Tool = defineTool({
  name: 'project_list_files',
  description:
    'List the files and folders of a project folder; folder names end with "/". Skips .git, node_modules and hidden (dot) entries unless includeHidden is true. Set recursive to list the whole tree.',
  inputSchema: z
    .object({
      project: projectArgument,
      path: z.string().default('.').describe('folder relative to the project root; "." is the root'),
      recursive: z.boolean().default(false).describe('also list everything below subfolders'),
      includeHidden: z.boolean().default(false).describe('include .git, node_modules and dot entries'),
      limit: z.number().int().min(1).max(2_000).default(200).describe('most entries to return'),
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
        `"${input.path}" in project "${project.id}" is a file, not a folder; read it with project_read_file`,
      );
    }
    const shownFolder = projectRelative(project, folder);
    const lines: string[] = [];
    const hidden: string[] = [];
    let more = false;
    for await (const entry of walkProject(folder, {
      recursive: input.recursive,
      includeHidden: input.includeHidden,
      signal: context.signal,
    })) {
      const shown = underFolder(shownFolder, entry.relative) + (entry.kind === 'directory' ? '/' : '');
      if (entry.hidden) {
        hidden.push(shown);
        continue;
      }
      if (lines.length >= input.limit) {
        more = true;
        break;
      }
      lines.push(shown);
    }
    const notes: string[] = [];
    if (more) {
      notes.push(
        `[more entries not shown: stopped at limit ${input.limit}; raise limit or list a subfolder]`,
      );
    }
    if (hidden.length > 0) {
      const sample = hidden.slice(0, 10).join(', ') + (hidden.length > 10 ? ', …' : '');
      notes.push(`[hidden: ${sample}; pass includeHidden: true to include them]`);
    }
    if (lines.length === 0) {
      notes.unshift(`Folder "${shownFolder}" of project ${project.id} has no visible entries.`);
    }
    return [...lines, ...notes].join('\n');
  },
});
