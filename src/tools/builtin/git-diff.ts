import { execFile } from 'node:child_process';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { looksLikeSecretFile } from '../path-confinement.ts';
import { defineTool, type Tool } from '../tool.ts';
import { projectArgument } from './project-argument.ts';
import { projectTrust, selectProject } from './select-project.ts';

const maxDiffBytes = 256 * 1024;

/** A revision as git takes it (branch, tag, hash, `HEAD~2`, `main...feature`), never an option. */
const revision = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]*(\.\.\.?[A-Za-z0-9][A-Za-z0-9._/~^@{}-]*)?$/,
    'a branch, tag, commit or range like main...feature',
  );

/** A path inside the project, relative, never an option or an escape. */
const diffPath = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (value) => !value.startsWith('-') && !value.startsWith('/') && !value.split(/[\\/]/).includes('..'),
    'a relative path inside the project',
  );

function runGit(root: string, args: readonly string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--no-pager', '-c', 'core.quotepath=off', ...args],
      {
        cwd: root,
        signal,
        timeout: 20_000,
        maxBuffer: maxDiffBytes * 4,
        // No user config, hooks or pagers: only what the repository holds decides the output.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/nonexistent',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
          LANG: 'C',
        },
      },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new NovaError('TOOL_ERROR', `git ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`),
          );
        else resolve(stdout);
      },
    );
  });
}

/**
 * `git_diff` (read): the changes in a project's git repository, as a unified diff: working tree
 * against HEAD by default, staged changes, or between revisions. Credential files are left out.
 * What it returns is as trusted as the project: a diff is someone's code, not instructions.
 */
export function createGitDiffTool(): Tool {
  return defineTool({
    name: 'git_diff',
    description:
      "Show changes in the project's git repository as a unified diff: uncommitted changes by default, `staged`, or `base` (and optional `head`, or a range like main...feature). `stat` lists changed files only. `paths` narrows it.",
    inputSchema: z
      .object({
        project: projectArgument,
        base: revision.optional(),
        head: revision.optional(),
        staged: z.boolean().default(false),
        stat: z.boolean().default(false),
        paths: z.array(diffPath).max(50).default([]),
      })
      .strict(),
    effects: ['read'],
    trustOf: (input, context) => projectTrust(context, input.project),
    async execute(input, context) {
      const project = selectProject(context, input.project);
      if (input.head !== undefined && input.base === undefined)
        throw new NovaError('BAD_REQUEST', '`head` needs a `base` to compare with');
      await runGit(project.root, ['rev-parse', '--is-inside-work-tree'], context.signal).catch(() => {
        throw new NovaError('BAD_REQUEST', `project ${project.id} is not a git repository`);
      });
      const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv'];
      if (input.stat) args.push('--stat');
      if (input.staged) args.push('--cached');
      if (input.base !== undefined) args.push(input.base);
      if (input.head !== undefined) args.push(input.head);
      // Credential files never leave the repository, even as a diff.
      args.push(
        '--',
        ...(input.paths ?? []),
        ':(exclude,glob)**/.env',
        ':(exclude,glob)**/.env.*',
        ':(exclude,glob)**/*.pem',
        ':(exclude,glob)**/*.key',
        ':(exclude,glob)**/id_rsa*',
      );
      const diff = await runGit(project.root, args, context.signal);
      const leaked = [...diff.matchAll(/^diff --git a\/(\S+)/gm)]
        .map((match) => match[1] ?? '')
        .filter(looksLikeSecretFile);
      if (leaked.length > 0)
        throw new NovaError(
          'FORBIDDEN',
          `the diff touches credential files (${leaked.join(', ')}); narrow it with paths`,
        );
      if (diff.trim() === '') return 'No changes.';
      const bytes = Buffer.byteLength(diff);
      return bytes > maxDiffBytes
        ? `${Buffer.from(diff).subarray(0, maxDiffBytes).toString('utf8')}\n[diff cut at ${maxDiffBytes} of ${bytes} bytes: narrow it with paths or use stat]`
        : diff;
    },
  });
}
