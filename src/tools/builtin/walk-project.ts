import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../../domain/nova-error.ts';

/** Folders that are never what a question about a project means, and that can be huge. */
const heavyFolders = new Set(['.git', 'node_modules']);

/** Dot entries, `.git` and `node_modules` are hidden unless the caller asks for them. */
export function isHiddenEntry(name: string): boolean {
  return heavyFolders.has(name) || name.startsWith('.');
}

export interface WalkEntry {
  readonly absolute: string;
  /** Relative to the folder the walk started in, `/`-separated. */
  readonly relative: string;
  readonly kind: 'file' | 'directory' | 'link' | 'other';
  /** A hidden folder or file that was not entered or returned in full (only when `includeHidden` is false). */
  readonly hidden: boolean;
}

export interface WalkOptions {
  readonly recursive: boolean;
  readonly includeHidden: boolean;
  readonly signal: AbortSignal;
}

/** Case-insensitive by code point: the same order on every machine, unlike locale collation. */
function byName(left: fs.Dirent, right: fs.Dirent): number {
  const a = left.name.toLowerCase();
  const b = right.name.toLowerCase();
  if (a !== b) return a < b ? -1 : 1;
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new NovaError('CANCELLED', 'the tool call was cancelled because the run stopped');
}

function kindOf(entry: fs.Dirent): WalkEntry['kind'] {
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return 'other';
}

/**
 * Entries under `start` in a stable order (each folder sorted by name, parents before children).
 * Hidden entries are yielded once with `hidden: true` and never entered. Symbolic links are
 * yielded but never followed: they could lead out of the project. Unreadable folders are skipped.
 */
export async function* walkProject(start: string, options: WalkOptions): AsyncGenerator<WalkEntry> {
  async function* walk(folder: string, prefix: string): AsyncGenerator<WalkEntry> {
    throwIfCancelled(options.signal);
    const entries = await fs.promises.readdir(folder, { withFileTypes: true }).catch(() => []);
    entries.sort(byName);
    for (const entry of entries) {
      throwIfCancelled(options.signal);
      const absolute = path.join(folder, entry.name);
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const kind = kindOf(entry);
      const hidden = !options.includeHidden && isHiddenEntry(entry.name);
      yield { absolute, relative, kind, hidden };
      if (kind === 'directory' && !hidden && options.recursive) yield* walk(absolute, relative);
    }
  }
  yield* walk(start, '');
}

/** Text files have no NUL byte near the start; that is how git and grep tell them apart too. */
export function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 8_000).includes(0);
}

/** Prefixes a path relative to a walked folder with that folder's project-relative path. */
export function underFolder(folder: string, relative: string): string {
  return folder === '.' ? relative : `${folder}/${relative}`;
}
