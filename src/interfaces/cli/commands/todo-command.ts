import { Command, Option } from 'commander';
import { todoPriorities, todoStatuses } from '../../../ports/todo-store.ts';
import type { CommandContext } from '../main.ts';

const shows = ['open', 'overdue', 'blocked', 'done', 'cancelled', 'all'] as const;

/** `nova todo`: the owner's to-do list, the same one the task-tracker agent keeps. */
export function todoCommand(context: CommandContext): Command {
  const run = async (tool: 'task_create' | 'task_update' | 'task_list', input: unknown) => {
    const nova = await context.openNova();
    try {
      context.io.writeOut(`${await nova.todo(tool, input)}\n`);
    } finally {
      await nova.close();
    }
  };
  const list = async (options: { show: (typeof shows)[number]; project?: string }) => {
    await run('task_list', {
      show: options.show,
      ...(options.project ? { project: options.project } : {}),
    });
  };
  const todo = new Command('todo')
    .description(
      'the to-do list (also kept by the task-tracker agent): list, add, done, update; alone, the open ones',
    )
    .action(async () => list({ show: 'open' }));
  todo
    .command('list')
    .description('open to-dos in the order to work on them (overdue first), or another selection')
    .addOption(new Option('--show <which>', 'which items').choices(shows).default('open'))
    .option('-p, --project <id>', 'only this project')
    .action(list);
  todo
    .command('add')
    .description('add a to-do: nova todo add "Send Acme the invoice" --due 2026-11-26 --priority high')
    .argument('<title...>', 'what to do, starting with a verb')
    .option('-p, --project <id>', 'the project it belongs to')
    .addOption(new Option('--priority <level>', 'how urgent').choices(todoPriorities).default('normal'))
    .option('--due <date>', 'due date, YYYY-MM-DD')
    .option('--blocker <text>', 'what or whom it waits on (makes it blocked)')
    .action(
      async (
        words: string[],
        options: { project?: string; priority: string; due?: string; blocker?: string },
      ) => {
        await run('task_create', {
          title: words.join(' '),
          priority: options.priority,
          ...(options.project ? { project: options.project } : {}),
          ...(options.due ? { due: options.due } : {}),
          ...(options.blocker ? { blocker: options.blocker } : {}),
        });
      },
    );
  todo
    .command('done')
    .description('mark a to-do done')
    .argument('<id>', 'the id from nova todo')
    .action(async (id: string) => {
      await run('task_update', { id, status: 'done' });
    });
  todo
    .command('update')
    .description('change a to-do: status, priority, due date, blocker, title, reason')
    .argument('<id>', 'the id from nova todo')
    .addOption(new Option('--status <status>', 'new status').choices(todoStatuses))
    .addOption(new Option('--priority <level>', 'new priority').choices(todoPriorities))
    .option('--due <date>', 'new due date, YYYY-MM-DD, or "none" to clear it')
    .option('--blocker <text>', 'what it waits on, or "none" to clear it')
    .option('--title <text>', 'new title')
    .option('--reason <text>', 'why (e.g. for cancelled)')
    .action(
      async (
        id: string,
        options: {
          status?: string;
          priority?: string;
          due?: string;
          blocker?: string;
          title?: string;
          reason?: string;
        },
      ) => {
        const clearable = (value: string | undefined) => (value === 'none' ? null : value);
        await run('task_update', {
          id,
          ...(options.status ? { status: options.status } : {}),
          ...(options.priority ? { priority: options.priority } : {}),
          ...(options.due !== undefined ? { due: clearable(options.due) } : {}),
          ...(options.blocker !== undefined ? { blocker: clearable(options.blocker) } : {}),
          ...(options.title ? { title: options.title } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        });
      },
    );
  return todo;
}
