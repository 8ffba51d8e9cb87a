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

/** Which items a listing shows. */
export const todoSelections = ['open', 'overdue', 'blocked', 'done', 'cancelled', 'all'] as const;
export type TodoSelection = (typeof todoSelections)[number];

const todoTitle = z.string().trim().min(3, 'say what to do (at least 3 characters)').max(500);

/** What adding a to-do takes (the `task_create` tool's input, and `POST /v1/todos`). */
export const todoCreateInput = z
  .object({
    title: todoTitle,
    project: z.string().trim().min(1).max(100).optional(),
    priority: z.enum(todoPriorities).default('normal'),
    due: isoDate.optional(),
    blocker: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

/** What changing a to-do takes, besides its id (`task_update`, `PATCH /v1/todos/:id`). */
export const todoChangeInput = z
  .object({
    title: todoTitle.optional(),
    project: z.string().trim().min(1).max(100).optional(),
    priority: z.enum(todoPriorities).optional(),
    due: isoDate.nullable().optional(),
    status: z.enum(todoStatuses).optional(),
    blocker: z.string().trim().min(1).max(500).nullable().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

/**
 * The owner's to-do list as structured data: what the task-tracker's tools, `nova todo` and the
 * HTTP API all use.
 */
export interface TodoList {
  /** Today's date in the configured time zone (what "overdue" is measured against). */
  today(): string;
  /** Adds an item; a repeated call with the same idempotency key returns the item added first. */
  add(input: z.output<typeof todoCreateInput>, author: string, idempotencyKey?: string): Promise<TodoItem>;
  /** Changes the given fields; NOT_FOUND for an unknown id. A blocker makes it blocked unless a status is given. */
  change(id: string, input: z.output<typeof todoChangeInput>): Promise<TodoItem>;
  /** The selected items: `open` in the order to work on them (overdue first), others oldest first. */
  select(show: TodoSelection, project?: string): Promise<TodoItem[]>;
}

export function createTodoList(options: {
  readonly store: TodoStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timeZone: string;
}): TodoList {
  const { store, ids, clock, timeZone } = options;
  const now = () => new Date(clock.now()).toISOString();
  const today = () => todayIn(clock.now(), timeZone);
  return {
    today,
    async add(input, author, idempotencyKey) {
      const id = idempotencyKey
        ? `todo_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20)}`
        : ids.next('todo');
      const existing = await store.get(id);
      if (existing) return existing;
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
        createdBy: author,
      };
      await store.create(item);
      return item;
    },
    async change(id, input) {
      if (!(await store.get(id)))
        throw new NovaError(
          'NOT_FOUND',
          `no to-do ${id}; the to-do list (task_list, nova todo) shows the ids`,
        );
      const status = input.status ?? (typeof input.blocker === 'string' ? ('blocked' as const) : undefined);
      return store.update(
        id,
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
    },
    async select(show, project) {
      const date = today();
      const items = await store.list(project === undefined ? {} : { projectId: project });
      if (show === 'all') return items;
      if (show === 'open') return nextUp(items);
      if (show === 'overdue')
        return nextUp(items).filter((item) => item.due !== undefined && item.due < date);
      return items.filter((item) => item.status === show);
    },
  };
}

/** The to-do list: `task_create`, `task_update`, `task_list` (the task-tracker agent's tools). */
export function createTodoTools(options: {
  readonly store: TodoStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly timeZone: string;
}): Tool[] {
  const todos = createTodoList(options);

  const create = defineTool({
    name: 'task_create',
    description:
      "Add an item to the owner's to-do list. Title starts with a verb; priority is normal unless stated; give `due` (YYYY-MM-DD) only when stated or clearly implied; `blocker` says what or whom it waits on.",
    inputSchema: todoCreateInput,
    effects: ['write'],
    idempotent: true,
    async execute(input, context) {
      // A repeated call (same idempotency key, e.g. a resumed run) adds the item once.
      const item = await todos.add(input, context.agent, context.idempotencyKey);
      return `Added ${formatTodo(item, todos.today())}`;
    },
  });

  const update = defineTool({
    name: 'task_update',
    description:
      'Change a to-do by id (from task_list): only the fields given. Status done or cancelled closes it (never deleted; give a reason for cancelled). `due` or `blocker` null clears it; a blocker sets the status to blocked unless a status is given.',
    inputSchema: todoChangeInput.extend({ id: z.string().min(1) }).strict(),
    effects: ['write'],
    // Setting the same fields twice leaves the same item.
    idempotent: true,
    async execute({ id, ...changes }) {
      const updated = await todos.change(id, changes);
      return `Updated ${formatTodo(updated, todos.today())}`;
    },
  });

  const list = defineTool({
    name: 'task_list',
    description:
      'List the to-do list. `show`: open (default: open, in progress and blocked, in the order to work on them, overdue first), overdue, blocked, done, cancelled or all. Optionally one project.',
    inputSchema: z
      .object({
        show: z.enum(todoSelections).default('open'),
        project: z.string().trim().min(1).optional(),
      })
      .strict(),
    effects: ['read'],
    async execute(input) {
      const date = todos.today();
      const show = input.show ?? 'open';
      const shown = await todos.select(show, input.project);
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
