import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';
import type { Clock } from '../../ports/clock.ts';
import type { IdGenerator } from '../../ports/id-generator.ts';
import {
  todoPriorities,
  todoStatuses,
  type TodoItem,
  type TodoStatus,
  type TodoStore,
} from '../../ports/todo-store.ts';
import { formatLocal } from '../../reminders/parse-when.ts';
import { defineTool, type Tool } from '../tool.ts';

const isoDate = z
  .string()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value,
    'must be a calendar date like 2026-11-26',
  );

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function todayIn(now: number, timeZone: string): string {
  return formatLocal(now, timeZone).slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const open: readonly TodoStatus[] = ['open', 'in-progress', 'blocked'];

/** One line per item: id, title, project, priority, due (and how late), status, blocker. */
export function formatTodo(item: TodoItem, today: string): string {
  const late = item.due && open.includes(item.status) ? daysBetween(item.due, today) : 0;
  return [
    item.id,
    item.title,
    item.projectId ?? '-',
    item.priority,
    item.due
      ? `${item.due}${late > 0 ? ` (${late} day${late === 1 ? '' : 's'} overdue)` : ''}`
      : 'no due date',
    item.status,
    ...(item.blocker ? [`blocked by: ${item.blocker}`] : []),
    ...(item.reason ? [`(${item.reason})`] : []),
  ].join(' | ');
}

/**
 * Open items in the order to work on them: overdue first (most days late first), then by due
 * date, priority and age; blocked ones last, since they cannot be worked on.
 */
export function nextUp(items: readonly TodoItem[]): TodoItem[] {
  const rank = (item: TodoItem) => todoPriorities.indexOf(item.priority);
  return items
    .filter((item) => open.includes(item.status))
    .sort(
      (a, b) =>
        Number(a.status === 'blocked') - Number(b.status === 'blocked') ||
        (a.due ?? '9999-99-99').localeCompare(b.due ?? '9999-99-99') ||
        rank(a) - rank(b) ||
        a.createdAt.localeCompare(b.createdAt),
    );
}

/** The to-do list: `task_create`, `task_update`, `task_list` (the task-tracker agent's tools). */
export function createTodoTools(options: {
  readonly store: TodoStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timeZone: string;
}): Tool[] {
  const { store, ids, clock, timeZone } = options;
  const now = () => new Date(clock.now()).toISOString();
  const today = () => todayIn(clock.now(), timeZone);

  const create = defineTool({
    name: 'task_create',
    description:
      "Add an item to the owner's to-do list. Title starts with a verb; priority is normal unless stated; give `due` (YYYY-MM-DD) only when stated or clearly implied; `blocker` says what or whom it waits on.",
    inputSchema: z
      .object({
        title: z.string().trim().min(3, 'say what to do (at least 3 characters)').max(500),
        project: z.string().trim().min(1).max(100).optional(),
        priority: z.enum(todoPriorities).default('normal'),
        due: isoDate.optional(),
        blocker: z.string().trim().min(1).max(500).optional(),
      })
      .strict(),
    effects: ['write'],
    idempotent: true,
    async execute(input, context) {
      // A repeated call (same idempotency key, e.g. a resumed run) adds the item once.
      const id = context.idempotencyKey
        ? `todo_${createHash('sha256').update(context.idempotencyKey).digest('hex').slice(0, 20)}`
        : ids.next('todo');
      const existing = await store.get(id);
      if (existing) return `Added ${formatTodo(existing, today())}`;
      const at = now();
      const item: TodoItem = {
        id,
        title: input.title,
        ...(input.project === undefined ? {} : { projectId: input.project }),
        priority: input.priority ?? 'normal',
        ...(input.due === undefined ? {} : { due: input.due }),
        status: input.blocker === undefined ? 'open' : 'blocked',
        ...(input.blocker === undefined ? {} : { blocker: input.blocker }),
        createdAt: at,
        updatedAt: at,
        createdBy: context.agent,
      };
      await store.create(item);
      return `Added ${formatTodo(item, today())}`;
    },
  });

  const update = defineTool({
    name: 'task_update',
    description:
      'Change a to-do by id (from task_list): only the fields given. Status done or cancelled closes it (never deleted; give a reason for cancelled). `due` or `blocker` null clears it; a blocker sets the status to blocked unless a status is given.',
    inputSchema: z
      .object({
        id: z.string().min(1),
        title: z.string().trim().min(3, 'say what to do (at least 3 characters)').max(500).optional(),
        project: z.string().trim().min(1).max(100).optional(),
        priority: z.enum(todoPriorities).optional(),
        due: isoDate.nullable().optional(),
        status: z.enum(todoStatuses).optional(),
        blocker: z.string().trim().min(1).max(500).nullable().optional(),
        reason: z.string().trim().min(1).max(500).optional(),
      })
      .strict(),
    effects: ['write'],
    // Setting the same fields twice leaves the same item.
    idempotent: true,
    async execute(input) {
      if (!(await store.get(input.id)))
        throw new NovaError('NOT_FOUND', `no to-do ${input.id}; task_list shows the ids`);
      const status = input.status ?? (typeof input.blocker === 'string' ? ('blocked' as const) : undefined);
      const updated = await store.update(
        input.id,
        {
          ...(input.title === undefined ? {} : { title: input.title }),
          ...(input.project === undefined ? {} : { projectId: input.project }),
          ...(input.priority === undefined ? {} : { priority: input.priority }),
          ...(input.due === undefined ? {} : { due: input.due }),
          ...(status === undefined ? {} : { status }),
          ...(input.blocker === undefined ? {} : { blocker: input.blocker }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
        },
        now(),
      );
      return `Updated ${formatTodo(updated, today())}`;
    },
  });

  const list = defineTool({
    name: 'task_list',
    description:
      'List the to-do list. `show`: open (default: open, in progress and blocked, in the order to work on them, overdue first), overdue, blocked, done, cancelled or all. Optionally one project.',
    inputSchema: z
      .object({
        show: z.enum(['open', 'overdue', 'blocked', 'done', 'cancelled', 'all']).default('open'),
        project: z.string().trim().min(1).optional(),
      })
      .strict(),
    effects: ['read'],
    async execute(input) {
      const date = today();
      const show = input.show ?? 'open';
      const items = await store.list(input.project === undefined ? {} : { projectId: input.project });
      const shown =
        show === 'all'
          ? items
          : show === 'open'
            ? nextUp(items)
            : show === 'overdue'
              ? nextUp(items).filter((item) => item.due !== undefined && item.due < date)
              : items.filter((item) => item.status === show);
      if (shown.length === 0)
        return `No ${show === 'all' ? '' : `${show} `}to-dos${input.project ? ` in ${input.project}` : ''} (today is ${date}).`;
      return [
        `Today is ${date}. id | task | project | priority | due | status | blocker`,
        ...shown.map((item) => formatTodo(item, date)),
      ].join('\n');
    },
  });

  return [create, update, list];
}
