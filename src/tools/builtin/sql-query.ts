import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import type { QueryResult, ReadOnlyDatabase } from '../../ports/read-only-database.ts';
import { defineTool, type Tool } from '../tool.ts';
import { projectTrust, selectProject } from './select-project.ts';

const readingKeywords = new Set(['select', 'with', 'values', 'explain', 'show', 'table']);

/**
 * The statement without comments and string contents, for the checks below (the database is the
 * real guard: it runs every query read-only).
 */
function skeleton(sql: string): string {
  let out = '';
  for (let index = 0; index < sql.length; index++) {
    const char = sql[index];
    const next = sql[index + 1];
    if (char === '-' && next === '-') {
      while (index < sql.length && sql[index] !== '\n') index++;
      out += ' ';
    } else if (char === '/' && next === '*') {
      index += 2;
      while (index < sql.length && !(sql[index] === '*' && sql[index + 1] === '/')) index++;
      index++;
      out += ' ';
    } else if (char === "'" || char === '"' || char === '`') {
      const quote = char;
      index++;
      while (index < sql.length && !(sql[index] === quote && sql[index + 1] !== quote)) {
        if (sql[index] === quote) index++;
        index++;
      }
      out += ' ? ';
    } else out += char;
  }
  return out;
}

/** Refuses anything but one reading statement, with what would be right. */
export function checkReadingStatement(sql: string): string {
  const bare = skeleton(sql).trim().replace(/;\s*$/, '');
  if (bare.includes(';'))
    throw new NovaError(
      'FORBIDDEN',
      'sql_query runs one statement at a time; send the statements one by one',
    );
  const keyword = /^\(*\s*([a-z]+)/i.exec(bare)?.[1]?.toLowerCase();
  if (!keyword || !readingKeywords.has(keyword))
    throw new NovaError(
      'FORBIDDEN',
      `sql_query only reads: start with SELECT, WITH, VALUES, EXPLAIN or SHOW (got "${keyword ?? bare.slice(0, 20)}"); changes to a client's data are never made through Nova`,
    );
  return sql.trim().replace(/;\s*$/, '');
}

function cell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = 'NULL';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    text = value.toString();
  else if (value instanceof Uint8Array) text = `<${value.byteLength} bytes>`;
  else text = JSON.stringify(value) ?? typeof value;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

export function formatQueryResult(result: QueryResult, maxRows: number): string {
  const lines = [result.columns.join(' | '), ...result.rows.map((row) => row.map(cell).join(' | '))];
  const count = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  lines.push(
    result.truncated
      ? `${count} shown; more exist (cut at ${maxRows}): aggregate or narrow the query`
      : count,
  );
  return lines.join('\n');
}

/**
 * `sql_query`: one read-only statement on the database configured for a project the agent may
 * access (`projects[].database`). The database runs it read-only with a timeout; rows are capped.
 * What comes back is as trusted as the project.
 */
export function createSqlQueryTool(options: {
  /** The project's database, or undefined when it has none. */
  readonly databaseOf: (projectId: string) => ReadOnlyDatabase | undefined;
  readonly timeoutMs?: number;
}): Tool {
  return defineTool({
    name: 'sql_query',
    description:
      "Run one read-only SQL statement (SELECT, WITH, EXPLAIN, SHOW) on the project's database and get the rows as text. Prefer aggregates and LIMIT; at most `maxRows` rows come back.",
    inputSchema: z
      .object({
        sql: z.string().min(1).max(20_000),
        project: z.string().min(1).optional(),
        maxRows: z.number().int().min(1).max(1_000).default(200),
      })
      .strict(),
    effects: ['read'],
    trustOf: (input, context) => projectTrust(context, input.project),
    async execute(input, context) {
      const project = selectProject(context, input.project);
      const database = options.databaseOf(project.id);
      if (!database)
        throw new NovaError(
          'BAD_REQUEST',
          `project ${project.id} has no database; the owner configures projects[].database in nova.config.json`,
        );
      const sql = checkReadingStatement(input.sql);
      const maxRows = input.maxRows ?? 200;
      let result: QueryResult;
      try {
        result = await database.query(sql, {
          maxRows,
          timeoutMs: options.timeoutMs ?? 15_000,
          signal: context.signal,
        });
      } catch (error) {
        throw new NovaError(
          'TOOL_ERROR',
          `the database refused or failed the query: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return formatQueryResult(result, maxRows);
    },
  });
}
