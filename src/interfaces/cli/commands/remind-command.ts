import { Command } from 'commander';
import { formatLocal } from '../../../reminders/parse-when.ts';
import { shorten, table } from '../format.ts';
import type { CommandContext } from '../main.ts';

export function remindCommands(context: CommandContext): Command[] {
  const remind = new Command('remind')
    .description('reminders: nova remind "<text>" --at "<when>" (or --cron "<expr>"); list, cancel, run-due')
    .argument('[text...]', 'what to be reminded of')
    .option(
      '--at <when>',
      'when: "tomorrow 9am", "in 2 hours", "next Monday", "friday 14:30", "2026-12-01 09:00"',
    )
    .option('--cron <expression>', 'recurring: five cron fields, e.g. "0 9 * * 1-5" (9:00 on weekdays)')
    .option('--json', 'print JSON')
    .action(async (words: string[], options: { at?: string; cron?: string; json?: boolean }) => {
      if (words.length === 0) {
        remind.help({ error: true });
        return;
      }
      const nova = await context.openNova();
      try {
        const entry = await nova.reminders.add({
          text: words.join(' '),
          ...(options.at === undefined ? {} : { at: options.at }),
          ...(options.cron === undefined ? {} : { cron: options.cron }),
          createdBy: 'owner',
        });
        if (options.json) context.io.writeOut(`${JSON.stringify({ reminder: entry }, null, 2)}\n`);
        else {
          context.io.writeOut(
            `Reminder ${entry.id}: "${entry.text}" ${entry.cron ? `on "${entry.cron}", next` : 'at'} ${formatLocal(Date.parse(entry.dueAt), entry.timeZone)}\n`,
          );
        }
      } finally {
        await nova.close();
      }
    });

  remind
    .command('list')
    .description('pending reminders, soonest first')
    .option('--all', 'also fired and cancelled ones')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const entries = await nova.reminders.list(options.all ? { all: true } : {});
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ reminders: entries }, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) {
          context.io.writeOut(
            'No reminders. Add one: nova remind "call the accountant" --at "tomorrow 9am"\n',
          );
          return;
        }
        context.io.writeOut(
          `${table([
            ['ID', 'DUE', 'REPEATS', 'STATE', 'TEXT'],
            ...entries.map((entry) => [
              entry.id,
              formatLocal(Date.parse(entry.dueAt), entry.timeZone),
              entry.cron ?? '-',
              entry.cancelledAt ? 'cancelled' : entry.firedAt ? 'fired' : 'pending',
              shorten(entry.text, 60),
            ]),
          ])}\n`,
        );
      } finally {
        await nova.close();
      }
    });

  remind
    .command('cancel')
    .description('cancel a pending reminder')
    .argument('<id>')
    .action(async (id: string) => {
      const nova = await context.openNova();
      try {
        await nova.reminders.cancel(id);
        context.io.writeOut(`Cancelled ${id}.\n`);
      } finally {
        await nova.close();
      }
    });

  remind
    .command('run-due')
    .description('fire what is due now, each once (what `nova start` does on its timer)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const nova = await context.openNova();
      try {
        await nova.registerSchedules();
        const fired = await nova.reminders.runDue();
        if (options.json) context.io.writeOut(`${JSON.stringify({ fired }, null, 2)}\n`);
        else
          context.io.writeOut(
            fired.length === 0 ? 'Nothing due.\n' : `Fired ${fired.length}: see nova inbox\n`,
          );
      } finally {
        await nova.close();
      }
    });

  const inbox = new Command('inbox')
    .description('fired reminders you have not acknowledged (late ones marked)')
    .option('--all', 'also acknowledged ones')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const nova = await context.openNova();
      try {
        const items = await nova.reminders.inbox(options.all ? { all: true } : {});
        if (options.json) {
          context.io.writeOut(`${JSON.stringify({ inbox: items }, null, 2)}\n`);
          return;
        }
        if (items.length === 0) {
          context.io.writeOut('Inbox empty.\n');
          return;
        }
        const zone = nova.reminders.timeZone;
        for (const item of items) {
          context.io.writeOut(
            `${item.id}  ${item.late ? 'LATE ' : ''}due ${formatLocal(Date.parse(item.dueAt), zone)}${item.late ? `, fired ${formatLocal(Date.parse(item.firedAt), zone)}` : ''}${item.acknowledgedAt ? ' (acknowledged)' : ''}\n  ${item.text}\n`,
          );
        }
      } finally {
        await nova.close();
      }
    });
  inbox
    .command('ack')
    .description('acknowledge an inbox item, or every unread one with "all"')
    .argument('<id>', 'the item id, or "all"')
    .action(async (id: string) => {
      const nova = await context.openNova();
      try {
        const ids = id === 'all' ? (await nova.reminders.inbox()).map((item) => item.id) : [id];
        for (const each of ids) await nova.reminders.acknowledge(each);
        context.io.writeOut(`Acknowledged ${ids.length}.\n`);
      } finally {
        await nova.close();
      }
    });
  return [remind, inbox];
}
