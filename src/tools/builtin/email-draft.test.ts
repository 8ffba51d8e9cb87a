import { describe, expect, it } from 'vitest';
import { InMemoryDraftStore } from '../../adapters/memory/in-memory-draft-store.ts';
import type { ToolContext } from '../tool.ts';
import { createEmailDraftTool, draftToEml } from './email-draft.ts';

const context = (overrides: Partial<ToolContext> = {}): ToolContext => ({
  runId: 'run_7',
  agent: 'email-drafter',
  projects: [],
  signal: new AbortController().signal,
  ...overrides,
});

describe('email_draft', () => {
  const setup = () => {
    let counter = 0;
    const store = new InMemoryDraftStore();
    const tool = createEmailDraftTool({
      store,
      ids: { next: (prefix) => `${prefix}_${++counter}` },
      clock: { now: () => Date.parse('2026-11-22T10:00:00Z'), sleep: () => Promise.resolve() },
    });
    return { store, tool };
  };

  it('saves a draft once per idempotency key, never sends, and says where to review it', async () => {
    const { store, tool } = setup();
    const input = tool.inputSchema.parse({
      to: ['anna@acme.example'],
      subject: 'Invoice 2024-118',
      body: 'Hello Anna,\nthe invoice is 30 days overdue.\nBest',
    });
    const first = await tool.execute(input, context({ idempotencyKey: 'run_7:2:x' }));
    expect(await tool.execute(input, context({ idempotencyKey: 'run_7:2:x' }))).toBe(first);
    expect(first).toMatch(
      /^Draft draft_\w+ saved \(not sent\) to anna@acme\.example: "Invoice 2024-118"\. The owner reviews it with `nova drafts show draft_\w+`\.$/,
    );
    expect(await store.list()).toHaveLength(1);
    expect((await store.list())[0]).toMatchObject({ createdBy: 'email-drafter', runId: 'run_7', cc: [] });
    expect(tool.effects).toEqual(['write']);
  });

  it('marks a draft written after reading untrusted content, and refuses bad addresses', async () => {
    const { store, tool } = setup();
    const output = await tool.execute(
      tool.inputSchema.parse({ to: ['x@y.example'], subject: 'Re: offer', body: 'Thanks' }),
      context({ taint: () => ['https://supplier.example/offer'] }),
    );
    expect(output).toContain('written after reading untrusted content: check it before sending');
    expect((await store.list())[0]?.untrustedSources).toEqual(['https://supplier.example/offer']);
    expect(() => tool.inputSchema.parse({ to: ['not an address'], subject: 's', body: 'b' })).toThrow(
      /must be an e-mail address/,
    );
  });

  it('exports an .eml a mail client opens as an unsent draft, with no header injection through the subject', () => {
    const eml = draftToEml({
      id: 'draft_1',
      to: ['anna@acme.example'],
      cc: ['boss@acme.example'],
      subject: 'Grüße\r\nBcc: attacker@evil.example',
      body: 'Line one\nLine two',
      createdAt: '2026-11-22T10:00:00.000Z',
      createdBy: 'email-drafter',
    });
    const [headers, body] = eml.split('\r\n\r\n');
    expect(headers?.split('\r\n')).toEqual([
      'To: anna@acme.example',
      'Cc: boss@acme.example',
      `Subject: =?UTF-8?B?${Buffer.from('Grüße Bcc: attacker@evil.example').toString('base64')}?=`,
      'Date: Sun, 22 Nov 2026 10:00:00 GMT',
      'X-Unsent: 1',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
    expect(body).toBe('Line one\r\nLine two');
  });
});
