import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaError } from '../../domain/nova-error.ts';
import type { Migration } from './migrations.ts';
import { openSqliteDatabase } from './sqlite-database.ts';

const first: Migration = { id: 1, name: 'widgets', sql: 'CREATE TABLE widgets (id TEXT PRIMARY KEY) STRICT' };
const second: Migration = {
  id: 2,
  name: 'gadgets',
  sql: 'CREATE TABLE gadgets (id TEXT PRIMARY KEY, widget_id TEXT REFERENCES widgets (id)) STRICT',
};

describe('openSqliteDatabase', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-database-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('creates the folder and opens the file in WAL mode with a busy timeout and foreign keys', () => {
    const file = path.join(directory, 'data', 'nested', 'nova.db');
    const database = openSqliteDatabase(file);
    try {
      expect(fs.existsSync(file)).toBe(true);
      expect(database.statement('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(database.statement('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
      expect(database.statement('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
      expect(database.statement('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    } finally {
      database.close();
    }
  });

  it('applies each migration once, in order, and an appended one on the next open', () => {
    const file = path.join(directory, 'nova.db');
    openSqliteDatabase(file, [first]).close();
    openSqliteDatabase(file, [first]).close();
    const database = openSqliteDatabase(file, [first, second]);
    try {
      const applied = database
        .statement('SELECT id, name, applied_at FROM schema_migrations ORDER BY id')
        .all();
      expect(applied).toEqual([
        { id: 1, name: 'widgets', applied_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        { id: 2, name: 'gadgets', applied_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ]);
      expect(() => database.statement("INSERT INTO gadgets VALUES ('g', 'no-such-widget')").run()).toThrow(
        /FOREIGN KEY/,
      );
    } finally {
      database.close();
    }
  });

  it('rolls a failing migration back completely and names it in a STORAGE_ERROR', () => {
    const file = path.join(directory, 'nova.db');
    const broken: Migration = {
      id: 2,
      name: 'half-done',
      sql: 'CREATE TABLE half (id TEXT) STRICT; CREATE TABLE widgets (id TEXT)',
    };
    expect(() => openSqliteDatabase(file, [first, broken])).toThrow(
      expect.objectContaining({
        code: 'STORAGE_ERROR',
        message: expect.stringMatching(/migration 2 \(half-done\).*already exists/),
      }),
    );
    const database = openSqliteDatabase(file, [first]);
    try {
      expect(database.statement('SELECT id FROM schema_migrations').all()).toEqual([{ id: 1 }]);
      expect(database.statement("SELECT name FROM sqlite_master WHERE name = 'half'").all()).toEqual([]);
    } finally {
      database.close();
    }
  });

  it('refuses a database written by a newer Nova instead of misreading it', () => {
    const file = path.join(directory, 'nova.db');
    openSqliteDatabase(file, [first, second]).close();
    let error: unknown;
    try {
      openSqliteDatabase(file, [first]);
    } catch (caught) {
      error = caught;
    }
    expect(NovaError.is(error, 'STORAGE_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/migration\(s\) 2 .*knows up to 1.*newer Nova/);
  });

  it('wraps driver errors into STORAGE_ERROR that says what was being done', () => {
    const file = path.join(directory, 'nova.db');
    fs.writeFileSync(
      file,
      'this is not a database, just text that is long enough to fill a header. '.repeat(20),
    );
    expect(() => openSqliteDatabase(file)).toThrow(
      expect.objectContaining({
        code: 'STORAGE_ERROR',
        message: expect.stringContaining(`opening the database ${file} failed`),
      }),
    );
  });

  it('rejects a migration list whose ids do not increase', () => {
    expect(() => openSqliteDatabase(':memory:', [second, first])).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('"widgets" has id 1') }),
    );
  });

  it('opens :memory: databases that are independent of each other', () => {
    const one = openSqliteDatabase(':memory:', [first]);
    const two = openSqliteDatabase(':memory:', [first]);
    try {
      one.statement("INSERT INTO widgets VALUES ('w1')").run();
      expect(two.statement('SELECT * FROM widgets').all()).toEqual([]);
    } finally {
      one.close();
      two.close();
    }
  });
});
