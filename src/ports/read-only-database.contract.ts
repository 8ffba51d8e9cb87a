import { afterEach, describe, expect, it } from 'vitest';
import type { ReadOnlyDatabase } from './read-only-database.ts';

/**
 * The behaviour every ReadOnlyDatabase adapter must have. `create` opens a database holding a
 * table `items (id integer, name text)` with the rows (1, 'bolt'), (2, 'nut'), (3, 'washer').
 * `slowSql` is a statement that takes about two seconds (or undefined when there is none).
 */
export function readOnlyDatabaseContract(
  name: string,
  create: () => Promise<ReadOnlyDatabase | undefined>,
  slowSql: string | undefined,
) {
  describe(`ReadOnlyDatabase contract: ${name}`, () => {
    let database: ReadOnlyDatabase | undefined;
    afterEach(async () => {
      await database?.close();
      database = undefined;
    });

    it('returns columns and rows, cut at the limit with a mark', async (context) => {
      database = await create();
      if (!database) return context.skip();
      const all = await database.query('SELECT id, name FROM items ORDER BY id', {
        maxRows: 10,
        timeoutMs: 5_000,
      });
      expect(all.columns).toEqual(['id', 'name']);
      expect(all.rows.map((row) => [Number(row[0]), row[1]])).toEqual([
        [1, 'bolt'],
        [2, 'nut'],
        [3, 'washer'],
      ]);
      expect(all.truncated).toBe(false);
      const cut = await database.query('SELECT id FROM items ORDER BY id', { maxRows: 2, timeoutMs: 5_000 });
      expect(cut.rows).toHaveLength(2);
      expect(cut.truncated).toBe(true);
    });

    it('refuses every kind of write at the database, and the data stays as it was', async (context) => {
      database = await create();
      if (!database) return context.skip();
      for (const sql of [
        "INSERT INTO items (id, name) VALUES (4, 'screw')",
        "UPDATE items SET name = 'x'",
        'DELETE FROM items',
        'DROP TABLE items',
        'CREATE TABLE evil (id integer)',
      ]) {
        await expect(database.query(sql, { maxRows: 10, timeoutMs: 5_000 }), sql).rejects.toThrow();
      }
      const after = await database.query('SELECT count(*) AS n FROM items', {
        maxRows: 10,
        timeoutMs: 5_000,
      });
      expect(Number(after.rows[0]?.[0])).toBe(3);
    });

    it('stops a statement past its timeout', async (context) => {
      database = await create();
      if (!database || slowSql === undefined) return context.skip();
      const started = Date.now();
      await expect(database.query(slowSql, { maxRows: 10, timeoutMs: 200 })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_900);
    });
  });
}
