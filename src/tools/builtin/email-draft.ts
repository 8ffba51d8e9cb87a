import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../ports/clock.ts';
import type { DraftStore, EmailDraft } from '../../ports/draft-store.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import { defineTool, type Tool } from '../tool.ts';

const address = z.email('must be an e-mail address like anna@example.org');

/** The draft as an RFC 5322 message (`.eml`) a mail client opens as a draft; nothing is sent. */
export function draftToEml(draft: EmailDraft): string {
  // Header values are single lines: a line break in a subject must not add headers.
  const line = (value: string) => value.replace(/[\r\n]+/g, ' ');
  const encoded = (value: string) =>
    /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
  return [
    `To: ${draft.to.map(line).join(', ')}`,
    ...(draft.cc.length > 0 ? [`Cc: ${draft.cc.map(line).join(', ')}`] : []),
    `Subject: ${encoded(line(draft.subject))}`,
    `Date: ${new Date(draft.createdAt).toUTCString()}`,
    'X-Unsent: 1',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    draft.body.replace(/\r?\n/g, '\r\n'),
  ].join('\r\n');
}

/**
 * `email_draft` (write): saves an e-mail for the owner to review and send themselves. Nova has no
 * way to send mail; a draft written by a run that read untrusted content says so.
 */
export function createEmailDraftTool(options: {
  readonly store: DraftStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}): Tool {
  return defineTool({
    name: 'email_draft',
    description:
      'Save an e-mail draft for the owner to review and send (Nova never sends mail). Returns the draft id.',
    inputSchema: z
      .object({
        to: z.array(address).min(1).max(50),
        cc: z.array(address).max(50).default([]),
        subject: z.string().trim().min(1).max(300),
        body: z.string().min(1).max(100_000),
        project: z.string().min(1).optional(),
      })
      .strict(),
    effects: ['write'],
    idempotent: true,
    async execute(input, context) {
      const id = context.idempotencyKey
        ? `draft_${createHash('sha256').update(context.idempotencyKey).digest('hex').slice(0, 20)}`
        : options.ids.next('draft');
      const existing = await options.store.get(id);
      const taint = context.taint?.() ?? [];
      const draft: EmailDraft = existing ?? {
        id,
        to: input.to,
        cc: input.cc ?? [],
        subject: input.subject,
        body: input.body,
        ...((input.project ?? context.defaultProjectId)
          ? { projectId: input.project ?? context.defaultProjectId }
          : {}),
        createdAt: new Date(options.clock.now()).toISOString(),
        createdBy: context.agent,
        runId: context.runId,
        ...(taint.length > 0 ? { untrustedSources: [...taint] } : {}),
      };
      if (!existing) await options.store.create(draft);
      return `Draft ${draft.id} saved (not sent) to ${draft.to.join(', ')}: "${draft.subject}". The owner reviews it with \`nova drafts show ${draft.id}\`.${draft.untrustedSources ? ' It was written after reading untrusted content: check it before sending.' : ''}`;
    },
  });
}
