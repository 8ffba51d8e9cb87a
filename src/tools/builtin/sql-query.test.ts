import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteReadOnlyDatabase } from '../../adapters/sql/sqlite-read-only-database.ts';
import type { ToolContext } from '../tool.ts';
import { checkReadingStatement, createSqlQueryTool } from './sql-query.ts';

function erpFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-sql-')), 'erp.db');
  const writer = new DatabaseSync(file);
  writer.exec(`CREATE TABLE invoices (id integer, customer text, total real, note text);
    INSERT INTO invoices VALUES (1, 'Acme', 1200.5, NULL), (2, 'Globex', 80, 'paid; thanks'), (3, 'Initech', 310, '${'x'.repeat(300)}');`);
  writer.close();
  return file;
}

const context = (projects: ToolContext['projects'], defaultProjectId?: string): ToolContext => ({
  runId: 'run_1',
  agent: 'erp-reporting',
  projects,
  signal: new AbortController().signal,
  ...(defaultProjectId ? { defaultProjectId } : {}),
});
const acme = { id: 'acme', name: 'Acme', root: '/tmp', docs: [], tags: [] };
const other = { id: 'other', name: 'Other', root: '/tmp', docs: [], tags: [], trust: 'untrusted' as const };

describe('sql_query', () => {
  const database = new SqliteReadOnlyDatabase(erpFile());
  const tool = createSqlQueryTool({
    databaseOf: (projectId) => (projectId === 'acme' || projectId === 'other' ? database : undefined),
  });

  it('returns rows as a table with a count, cut at maxRows with advice, long values shortened', async () => {
    const all = await tool.execute(
      tool.inputSchema.parse({ sql: 'SELECT id, customer, total, note FROM invoices ORDER BY id;' }),
      context([acme], 'acme'),
    );
    const lines = String(all).split('\n');
    expect(lines[0]).toBe('id | customer | total | note');
    expect(lines[1]).toBe('1 | Acme | 1200.5 | NULL');
    expect(lines[2]).toBe('2 | Globex | 80 | paid; thanks');
    expect(lines[3]?.length).toBeLessThan(230);
    expect(lines.at(-1)).toBe('3 rows');
    const cut = await tool.execute(
      tool.inputSchema.parse({ sql: 'SELECT id FROM invoices', maxRows: 2 }),
      context([acme], 'acme'),
    );
    expect(String(cut).split('\n').at(-1)).toBe(
      '2 rows shown; more exist (cut at 2): aggregate or narrow the query',
    );
  });

  it('refuses writes, several statements, projects outside the policy and projects without a database', async () => {
    for (const sql of [
      'UPDATE invoices SET total = 0',
      'DELETE FROM invoices',
      'SELECT 1; DROP TABLE invoices',
      '/* harmless */ INSERT INTO invoices VALUES (4, "x", 1, NULL)',
    ])
      expect(() => checkReadingStatement(sql), sql).toThrow(/one statement|only reads/);
    // Semicolons and keywords inside strings and comments are not statements.
    expect(checkReadingStatement("SELECT 'a; DROP TABLE x' AS s -- ; delete\n")).toBe(
      "SELECT 'a; DROP TABLE x' AS s -- ; delete",
    );
    expect(checkReadingStatement('WITH t AS (SELECT 1) SELECT * FROM t;')).toBe(
      'WITH t AS (SELECT 1) SELECT * FROM t',
    );
    await expect(
      tool.execute(tool.inputSchema.parse({ sql: 'SELECT 1', project: 'secret-client' }), context([acme])),
    ).rejects.toThrow('agent "erp-reporting" may not access project "secret-client"; allowed: acme');
    const noDatabase = { ...acme, id: 'plain' };
    await expect(
      tool.execute(tool.inputSchema.parse({ sql: 'SELECT 1' }), context([noDatabase], 'plain')),
    ).rejects.toThrow('project plain has no database; the owner configures projects[].database');
    // Even past the statement check, the database itself refuses to write.
    await expect(database.query('DELETE FROM invoices', { maxRows: 1, timeoutMs: 5_000 })).rejects.toThrow(
      /readonly/i,
    );
    await expect(
      tool.execute(tool.inputSchema.parse({ sql: 'SELECT nope FROM invoices' }), context([acme], 'acme')),
    ).rejects.toThrow(/the database refused or failed the query: .*no such column: nope/);
  });

  it('is as trusted as the project: rows from an untrusted project taint the run', () => {
    expect(tool.trustOf?.(tool.inputSchema.parse({ sql: 'SELECT 1' }), context([acme], 'acme'))).toBe(
      'trusted',
    );
    expect(
      tool.trustOf?.(tool.inputSchema.parse({ sql: 'SELECT 1', project: 'other' }), context([acme, other])),
    ).toBe('untrusted');
    // The agent's only project is the one queried when none is named: its trust applies.
    expect(tool.trustOf?.(tool.inputSchema.parse({ sql: 'SELECT 1' }), context([other]))).toBe('untrusted');
  });
});
