import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { NovaError } from '../../../domain/nova-error.ts';
import { draftToEml } from '../../../tools/builtin/email-draft.ts';
import { shorten } from '../format.ts';
import type { CommandContext } from '../main.ts';

/** `nova drafts`: e-mails agents drafted; the owner reviews and sends them (Nova never sends). */
export function draftsCommand(context: CommandContext): Command {
  const list = async (options: { json?: boolean }) => {
    const nova = await context.openNova();
    try {
      const drafts = await nova.drafts.list(50);
      if (options.json) {
        context.io.writeOut(`${JSON.stringify({ drafts }, null, 2)}\n`);
        return;
      }
      if (drafts.length === 0) {
        context.io.writeOut('No drafts. The email-drafter saves them: nova ask "draft a reply to …"\n');
        return;
      }
      for (const draft of drafts)
        context.io.writeOut(
          `${draft.id}  ${draft.createdAt.slice(0, 16).replace('T', ' ')}  to ${shorten(draft.to.join(', '), 40)}  "${shorten(draft.subject, 60)}"${draft.untrustedSources ? '  [written after reading untrusted content]' : ''}\n`,
        );
    } finally {
      await nova.close();
    }
  };
  const drafts = new Command('drafts')
    .description('e-mail drafts agents saved (Nova never sends mail): list, show')
    .option('--json', 'print JSON')
    .action(list);
  drafts
    .command('show')
    .description('one draft with its headers, or as an .eml file a mail client opens as a draft')
    .argument('<id>', 'the draft id')
    .option('--eml <file>', 'write it as an .eml file')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { eml?: string; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const draft = await nova.drafts.get(id);
        if (!draft) throw new NovaError('NOT_FOUND', `no draft ${id}; nova drafts lists them`);
        if (options.json) context.io.writeOut(`${JSON.stringify({ draft }, null, 2)}\n`);
        else if (options.eml) {
          const file = path.resolve(context.io.cwd, options.eml);
          fs.writeFileSync(file, draftToEml(draft));
          context.io.writeOut(`wrote ${file}\n`);
        } else {
          context.io.writeOut(
            [
              `To:      ${draft.to.join(', ')}`,
              ...(draft.cc.length > 0 ? [`Cc:      ${draft.cc.join(', ')}`] : []),
              `Subject: ${draft.subject}`,
              `By:      ${draft.createdBy}${draft.runId ? ` (${draft.runId})` : ''}, ${draft.createdAt}`,
              ...(draft.untrustedSources
                ? [
                    `Note:    written after reading untrusted content (${draft.untrustedSources.join(', ')}); check it before sending`,
                  ]
                : []),
              '',
              draft.body,
              '',
            ].join('\n'),
          );
        }
      } finally {
        await nova.close();
      }
    });
  return drafts;
}
