import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RankerCache } from '../../routing/offline-ranker.ts';

/**
 * Nova's cache folder: `NOVA_CACHE_DIR`, else `$XDG_CACHE_HOME/nova`, else `~/.cache/nova`.
 * It holds derived data only (trained routers, and the CLI's compiled modules in `compile/`);
 * deleting it costs a retraining and a slower start, nothing else.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.NOVA_CACHE_DIR) return path.resolve(env.NOVA_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'nova');
  return path.join(os.homedir(), '.cache', 'nova');
}

/**
 * Trained rankers as files named by their key. Writes are atomic (a temporary file renamed into
 * place), so concurrent processes training the same roster never read half a file; the newest
 * `keep` files stay. A cache that cannot be read or written is skipped: routing then trains.
 */
export function createFileRankerCache(directory: string, keep = 16): RankerCache {
  const fileOf = (key: string) => path.join(directory, `${key}.ranker`);
  return {
    get(key) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(fileOf(key));
      } catch {
        return undefined;
      }
      try {
        // Touch it, so pruning keeps what is used; a read-only cache is still read.
        const now = new Date();
        fs.utimesSync(fileOf(key), now, now);
      } catch {
        // Nothing lost but the pruning order.
      }
      return bytes;
    },
    has(key) {
      try {
        fs.accessSync(fileOf(key), fs.constants.R_OK);
        return true;
      } catch {
        return false;
      }
    },
    set(key, value) {
      try {
        fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
        const temporary = `${fileOf(key)}.${process.pid}.${Date.now()}.tmp`;
        fs.writeFileSync(temporary, value, { mode: 0o600 });
        fs.renameSync(temporary, fileOf(key));
        prune(directory, keep);
      } catch {
        // A read-only or full disk only costs the next process a retraining.
      }
    },
  };
}

/** A temporary file this old was left by a writer that stopped before renaming it. */
const abandonedAfterMs = 10 * 60_000;

function prune(directory: string, keep: number): void {
  const names = fs.readdirSync(directory);
  for (const name of names.filter((entry) => entry.endsWith('.tmp'))) {
    const file = path.join(directory, name);
    const modified = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - modified > abandonedAfterMs) fs.rmSync(file, { force: true });
  }
  const files = names
    .filter((name) => name.endsWith('.ranker'))
    .map((name) => {
      const file = path.join(directory, name);
      return { file, modified: fs.statSync(file).mtimeMs };
    })
    .sort((a, b) => b.modified - a.modified);
  for (const { file } of files.slice(keep)) fs.rmSync(file, { force: true });
}
