import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/run-cli.ts';

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

describe('an ERP agent querying a client database read-only, end to end', () => {
  it('answers from sql_query rows, and a write the model attempts is refused and changes nothing', async () => {
    const root = path.join(workspace.dir, 'acme');
    fs.mkdirSync(root);
    const file = path.join(root, 'erp.db');
    const writer = new DatabaseSync(file);
    writer.exec(
      "CREATE TABLE invoices (id integer, customer text, total real); INSERT INTO invoices VALUES (1, 'Acme', 1200.5), (2, 'Globex', 80);",
    );
    writer.close();
    fs.writeFileSync(
      path.join(workspace.dir, 'model.json'),
      JSON.stringify({
        responses: [
          { text: '', toolCalls: [{ name: 'sql_query', args: { sql: 'DELETE FROM invoices' } }] },
          {
            text: '',
            toolCalls: [
              {
                name: 'sql_query',
                args: {
                  sql: 'SELECT customer, sum(total) AS revenue FROM invoices GROUP BY customer ORDER BY revenue DESC',
                },
              },
            ],
          },
          { text: 'Acme leads with 1,200.50 in revenue; Globex follows with 80.' },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(workspace.dir, 'nova.config.json'),
      JSON.stringify({
        models: { default: 'scripted:model.json' },
        projects: [{ id: 'acme', name: 'Acme', root: 'acme', database: { kind: 'sqlite', path: 'erp.db' } }],
      }),
    );
    const asked = await runCli(
      ['ask', 'which customers bring the most revenue?', '--agent', 'erp-reporting', '--project', 'acme'],
      { cwd: workspace.dir, env: {} },
    );
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toMatch(/✗ sql_query: .*sql_query only reads: start with SELECT/);
    expect(asked.stderr).toMatch(/✓ sql_query/);
    expect(asked.stdout).toContain('Acme leads with 1,200.50');
    const runId = /run (run_\w+) succeeded/.exec(asked.stderr)?.[1] ?? '';
    const shown = await runCli(['runs', 'show', runId, '--full'], { cwd: workspace.dir, env: {} });
    expect(shown.stdout).toContain('Acme | 1200.5');
    const reader = new DatabaseSync(file, { readOnly: true });
    expect((reader.prepare('SELECT count(*) AS n FROM invoices').get() as { n: number }).n).toBe(2);
    reader.close();
  });
});
