import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileRankerCache } from './file-ranker-cache.ts';

const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});
function folder(): string {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-ranker-cache-'));
  folders.push(created);
  return created;
}

describe('the file ranker cache', () => {
  it('reads what it wrote, and still reads when it cannot touch the file (a read-only cache)', () => {
    const cache = createFileRankerCache(folder());
    expect(cache.has?.('abc')).toBe(false);
    expect(cache.get('abc')).toBeUndefined();
    cache.set('abc', Uint8Array.from([1, 2, 3]));
    expect(cache.has?.('abc')).toBe(true);
    vi.spyOn(fs, 'utimesSync').mockImplementation(() => {
      throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
    });
    expect([...(cache.get('abc') ?? [])]).toEqual([1, 2, 3]);
  });

  it('removes temporary files a stopped writer left behind, once they are old, and keeps the newest rankers', () => {
    const directory = folder();
    const cache = createFileRankerCache(directory, 2);
    const abandoned = path.join(directory, 'old.ranker.123.1.tmp');
    const inProgress = path.join(directory, 'new.ranker.456.2.tmp');
    fs.writeFileSync(abandoned, 'x');
    fs.writeFileSync(inProgress, 'y');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(abandoned, anHourAgo, anHourAgo);
    for (const [index, key] of ['a', 'b', 'c'].entries()) {
      cache.set(key, Uint8Array.from([index]));
      const at = new Date(Date.now() - (3 - index) * 1000);
      fs.utimesSync(path.join(directory, `${key}.ranker`), at, at);
    }
    cache.set('d', Uint8Array.from([3]));
    expect(fs.readdirSync(directory).sort()).toEqual(['c.ranker', 'd.ranker', 'new.ranker.456.2.tmp']);
  });
});
