import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../domain/nova-error.ts';
import type { ProjectRef } from './tool.ts';

function refuse(project: ProjectRef, requested: string, why: string): NovaError {
  return new NovaError(
    'FORBIDDEN',
    `path "${requested}" is refused: ${why}. Paths must be relative and stay inside project "${project.id}".`,
    { details: { project: project.id, path: requested } },
  );
}

/** Checks the text of a path before touching the disk. */
function checkLexically(project: ProjectRef, requested: string): string {
  if (requested.includes('\0'))
    throw refuse(project, requested.replaceAll('\0', '\\0'), 'it contains a NUL byte');
  if (path.isAbsolute(requested) || /^[a-zA-Z]:[\\/]/.test(requested))
    throw refuse(project, requested, 'it is absolute');
  const segments = requested.split(/[\\/]+/);
  if (segments.includes('..')) throw refuse(project, requested, 'it contains ".."');
  return path.join(project.root, requested);
}

function isInside(root: string, candidate: string): boolean {
  // Compare with a trailing separator so `/projects/acme2` is not taken to be inside `/projects/acme`.
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The real absolute path of an existing file or folder inside the project. Symlinks are followed
 * and must land inside the root too, at any depth.
 */
export async function resolveInsideProject(project: ProjectRef, requested: string): Promise<string> {
  const joined = checkLexically(project, requested);
  const root = await fs.promises.realpath(project.root).catch(() => {
    throw new NovaError('NOT_FOUND', `the root of project "${project.id}" (${project.root}) does not exist`);
  });
  let real: string;
  try {
    real = await fs.promises.realpath(joined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NovaError('NOT_FOUND', `"${requested}" does not exist in project "${project.id}"`, {
        details: { project: project.id, path: requested },
      });
    }
    throw error;
  }
  if (!isInside(root, real))
    throw refuse(project, requested, 'it leads outside the project through a symbolic link');
  return real;
}

/**
 * Like `resolveInsideProject` for a path that may not exist yet (a file about to be written): the
 * nearest existing ancestor is resolved through symlinks and must be inside the root.
 */
export async function resolveNewPathInsideProject(project: ProjectRef, requested: string): Promise<string> {
  const joined = checkLexically(project, requested);
  const root = await fs.promises.realpath(project.root);
  let existing = joined;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await fs.promises.realpath(existing);
      if (!isInside(root, real))
        throw refuse(project, requested, 'it leads outside the project through a symbolic link');
      return path.join(real, ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // A dangling symlink is ENOENT for realpath but exists as a link: refuse to write through it.
      const link = await fs.promises.lstat(existing).catch(() => undefined);
      if (link?.isSymbolicLink())
        throw refuse(project, requested, 'it goes through a symbolic link that points nowhere');
      missing.push(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
}

/** The path as the model should see it: relative to the project root, with `/` separators. */
export function projectRelative(project: ProjectRef, absolute: string): string {
  return path.relative(project.root, absolute).split(path.sep).join('/') || '.';
}
