import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/run-cli.ts';

let workspace: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  workspace = makeWorkspace();
});
afterEach(() => workspace.cleanup());

describe('e-mail drafts, end to end', () => {
  it('the email-drafter saves a draft the owner lists, reads and exports; nothing is sent', async () => {
    fs.writeFileSync(
      path.join(workspace.dir, 'model.json'),
      JSON.stringify({
        responses: [
          {
            text: '',
            toolCalls: [
              {
                name: 'email_draft',
                args: {
                  to: ['anna@acme.example'],
                  subject: 'Invoice 2024-118',
                  body: 'Hello Anna,\n\nfriendly reminder.\n\nBest',
                },
              },
            ],
          },
          { text: 'I saved the draft; review and send it yourself.' },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(workspace.dir, 'nova.config.json'),
      JSON.stringify({ models: { default: 'scripted:model.json' } }),
    );
    const cli = (args: string[]) => runCli(args, { cwd: workspace.dir, env: {} });
    const asked = await cli([
      'ask',
      'chase invoice 2024-118 with Anna, politely',
      '--agent',
      'email-drafter',
    ]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toMatch(/✓ email_draft/);
    const listed = await cli(['drafts']);
    const id = /^(draft_\w+)\s+\S+ \S+\s+to anna@acme\.example\s+"Invoice 2024-118"$/m.exec(
      listed.stdout,
    )?.[1];
    expect(id, listed.stdout).toBeDefined();
    const shown = await cli(['drafts', 'show', id ?? '']);
    expect(shown.stdout).toContain(
      'To:      anna@acme.example\nSubject: Invoice 2024-118\nBy:      email-drafter (run_',
    );
    expect(shown.stdout).toContain('Hello Anna,\n\nfriendly reminder.');
    expect((await cli(['drafts', 'show', id ?? '', '--eml', 'reminder.eml'])).code).toBe(0);
    expect(fs.readFileSync(path.join(workspace.dir, 'reminder.eml'), 'utf8')).toContain('X-Unsent: 1\r\n');
    const missing = await cli(['drafts', 'show', 'draft_nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no draft draft_nope; nova drafts lists them');
  });
});
