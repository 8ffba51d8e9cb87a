import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../domain/nova-error.ts';
import type { ProjectRef } from './tool.ts';

/**
 * Confinement of model-supplied paths to a project root. The model may be fully hijacked by
 * injected text, so every path is checked twice: lexically (no absolute paths, no `..`, no NUL)
 * and on disk (the real path, after every symlink at every level, must stay under the real root).
 * Messages never show absolute paths outside the project: they go back to the model.
 */

function refuse(project: ProjectRef, requested: string, why: string): NovaError {
  const shown = requested.replaceAll('\0', '\\0');
  return new NovaError(
    'FORBIDDEN',
    `path "${shown}" is refused: ${why}. Paths must be relative to the project root (like "src/index.ts") and stay inside project "${project.id}".`,
    { details: { project: project.id, path: shown } },
  );
}

function notFound(project: ProjectRef, requested: string): NovaError {
  return new NovaError(
    'NOT_FOUND',
    `"${requested}" does not exist in project "${project.id}"; list the folder with project_list_files to see what is there`,
    { details: { project: project.id, path: requested } },
  );
}

/** Checks the text of a path before touching the disk; returns it joined to the (unresolved) root. */
function checkLexically(project: ProjectRef, requested: string): string {
  if (requested.includes('\0')) throw refuse(project, requested, 'it contains a NUL byte');
  // Windows drive and UNC forms count as absolute on every platform: the text came from a model.
  if (path.isAbsolute(requested) || path.win32.isAbsolute(requested))
    throw refuse(project, requested, 'it is absolute');
  if (requested.split(/[\\/]+/).includes('..')) throw refuse(project, requested, 'it contains ".."');
  return path.join(project.root, requested);
}

/** True when `candidate` is `root` or below it; `/projects/acme2` is not below `/projects/acme`. */
export function isInsideRoot(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  return candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function realRoot(project: ProjectRef): Promise<string> {
  try {
    return await fs.promises.realpath(project.root);
  } catch (error) {
    throw new NovaError(
      'NOT_FOUND',
      `the root folder of project "${project.id}" is missing or unreadable; the owner must fix the project's root in the config`,
      { details: { project: project.id }, cause: error },
    );
  }
}

/** Turns a file-system error about `requested` into a NovaError a model can act on. */
function explainFileError(project: ProjectRef, requested: string, error: unknown): NovaError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return notFound(project, requested);
    case 'ELOOP':
      return refuse(project, requested, 'it goes through a loop of symbolic links');
    case 'EACCES':
    case 'EPERM':
      return new NovaError('FORBIDDEN', `"${requested}" in project "${project.id}" is not readable`, {
        details: { project: project.id, path: requested },
        cause: error,
      });
    default:
      return new NovaError(
        'TOOL_ERROR',
        `"${requested}" in project "${project.id}" could not be resolved (${code ?? 'unknown error'})`,
        { details: { project: project.id, path: requested }, cause: error },
      );
  }
}

/**
 * The real absolute path of an existing file or folder inside the project. Symlinks are followed
 * and must land inside the root, at any depth. Throws FORBIDDEN for a path that leaves the project
 * and NOT_FOUND for one that does not exist.
 */
export async function resolveInsideProject(project: ProjectRef, requested: string): Promise<string> {
  const joined = checkLexically(project, requested);
  const root = await realRoot(project);
  let real: string;
  try {
    real = await fs.promises.realpath(joined);
  } catch (error) {
    throw explainFileError(project, requested, error);
  }
  if (!isInsideRoot(root, real))
    throw refuse(project, requested, 'it leads outside the project through a symbolic link');
  return real;
}

/**
 * Like `resolveInsideProject` for a path that may not exist yet (a file about to be written): the
 * nearest existing ancestor is resolved through symlinks and must be inside the root; the missing
 * rest is appended to it. A dangling symlink on the way is refused, since writing through it would
 * create its target wherever it points.
 */
export async function resolveNewPathInsideProject(project: ProjectRef, requested: string): Promise<string> {
  const joined = checkLexically(project, requested);
  const root = await realRoot(project);
  const missing: string[] = [];
  let existing = joined;
  let real: string | undefined;
  while (real === undefined) {
    try {
      real = await fs.promises.realpath(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw explainFileError(project, requested, error);
      const link = await fs.promises.lstat(existing).catch(() => undefined);
      if (link?.isSymbolicLink())
        throw refuse(project, requested, 'it goes through a symbolic link that points nowhere');
      const parent = path.dirname(existing);
      // The root itself exists (realRoot succeeded), so this only guards against a vanished root.
      if (parent === existing) throw notFound(project, requested);
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  if (!isInsideRoot(root, real))
    throw refuse(project, requested, 'it leads outside the project through a symbolic link');
  return path.join(real, ...missing);
}

/**
 * The path as the model should see it: relative to the project root, with `/` separators.
 * `absolute` must be a real path inside the (real) root, as `resolveInsideProject` returns.
 */
export function projectRelative(project: ProjectRef, absolute: string): string {
  return path.relative(project.root, absolute).split(path.sep).join('/') || '.';
}

/**
 * Files that hold credentials by convention (`.env*`, keys, `credentials*`, `*.pem`): file tools
 * neither read nor list their contents, whatever the model asks, so secrets never reach a prompt.
 */
export function looksLikeSecretFile(relativePath: string): boolean {
  const name = relativePath.split(/[\\/]/).at(-1)?.toLowerCase() ?? '';
  return (
    /^\.env(\..*)?$/.test(name) ||
    /\.(pem|key|p12|pfx|keystore|jks)$/.test(name) ||
    /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/.test(name) ||
    /^(credentials|secrets?)(\.[a-z]+)?$/.test(name) ||
    name === '.npmrc' ||
    name === '.netrc' ||
    name === '.pgpass'
  );
}
