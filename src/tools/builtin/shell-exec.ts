import { spawn } from 'node:child_process';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import { projectRelative, resolveInsideProject } from '../path-confinement.ts';
import { defineTool, type Tool } from '../tool.ts';
import { projectArgument } from './project-argument.ts';
import { selectProject } from './select-project.ts';

const maxOutputBytes = 64 * 1024;

export interface ShellOptions {
  /** Environment variables passed through besides PATH, HOME, LANG and TERM. */
  readonly envAllow?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly defaultTimeoutSeconds?: number;
}

/**
 * `shell_exec` (effect exec): runs one program with arguments, without a shell (no expansion, no
 * pipes, no `;`), in a project folder, with a scrubbed environment, a timeout that kills the whole
 * process group and an output cap. Only agents whose policy lists it and allows `exec` get it.
 */
export function createShellTool(options: ShellOptions): Tool {
  const passed = new Set(['PATH', 'HOME', 'LANG', 'TERM', ...(options.envAllow ?? [])]);
  const environment = Object.fromEntries(
    Object.entries(options.env).filter(
      (entry): entry is [string, string] => passed.has(entry[0]) && entry[1] !== undefined,
    ),
  );
  return defineTool({
    name: 'shell_exec',
    description:
      'Run one program with arguments in a project folder (no shell: no pipes, globs or `;`). Returns the exit code, stdout and stderr (cut at 64 KB).',
    inputSchema: z
      .object({
        command: z
          .string()
          .min(1)
          .regex(/^[\w./-]+$/, 'a program name or path, without spaces or shell syntax'),
        args: z.array(z.string()).max(100).default([]),
        cwd: z.string().default('.').describe('folder relative to the project root'),
        timeoutSeconds: z.number().positive().max(600).optional(),
        project: projectArgument,
      })
      .strict(),
    effects: ['exec'],
    async execute(input, context) {
      const project = selectProject(context, input.project);
      const cwd = await resolveInsideProject(project, input.cwd);
      const timeoutMs = (input.timeoutSeconds ?? options.defaultTimeoutSeconds ?? 30) * 1000;
      const child = spawn(input.command, input.args, {
        cwd,
        env: environment,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let cut = false;
      const collect = (target: 'out' | 'err') => (chunk: Buffer) => {
        const room = maxOutputBytes - stdout.length - stderr.length;
        if (room <= 0) {
          cut = true;
          return;
        }
        const text = chunk.toString('utf8').slice(0, room);
        if (text.length < chunk.length) cut = true;
        if (target === 'out') stdout += text;
        else stderr += text;
      };
      child.stdout.on('data', collect('out'));
      child.stderr.on('data', collect('err'));
      const killGroup = (): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs);
      const onAbort = (): void => killGroup();
      context.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const code = await new Promise<number | null>((resolve, reject) => {
          child.once('error', (error: NodeJS.ErrnoException) =>
            reject(
              error.code === 'ENOENT'
                ? new NovaError('NOT_FOUND', `there is no program "${input.command}" on the PATH`)
                : error,
            ),
          );
          child.once('close', (exitCode) => resolve(exitCode));
        });
        if (timedOut)
          throw new NovaError(
            'TIMEOUT',
            `${input.command} ran longer than ${timeoutMs / 1000}s and was stopped`,
          );
        return [
          `$ ${[input.command, ...input.args].join(' ')}   (in ${projectRelative(project, cwd)}, exit code ${code ?? 'killed'})`,
          stdout.length > 0 ? `stdout:\n${stdout}` : 'stdout: (empty)',
          ...(stderr.length > 0 ? [`stderr:\n${stderr}`] : []),
          ...(cut ? [`[output cut at ${maxOutputBytes} bytes]`] : []),
        ].join('\n');
      } finally {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
      }
    },
  });
}
