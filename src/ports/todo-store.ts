/** How urgent a to-do is, most first. */
export const todoPriorities = ['urgent', 'high', 'normal', 'low'] as const;
export type TodoPriority = (typeof todoPriorities)[number];

/** `done` and `cancelled` close a to-do; nothing is ever deleted. */
export const todoStatuses = ['open', 'in-progress', 'blocked', 'done', 'cancelled'] as const;
export type TodoStatus = (typeof todoStatuses)[number];

/** One item of the owner's to-do list (kept by the task-tracker agent and `nova todo`). */
export interface TodoItem {
  readonly id: string;
  readonly title: string;
  readonly projectId?: string;
  readonly priority: TodoPriority;
  /** A calendar date, `YYYY-MM-DD`, when one was stated. */
  readonly due?: string;
  readonly status: TodoStatus;
  /** What or whom a blocked to-do waits on. */
  readonly blocker?: string;
  /** Why it was closed or last changed, when the owner said. */
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** `owner`, or the agent that added it. */
  readonly createdBy: string;
}

export interface TodoFilter {
  /** Only these statuses (default: all). */
  readonly statuses?: readonly TodoStatus[];
  readonly projectId?: string;
}

export type TodoChanges = Partial<
  Pick<TodoItem, 'title' | 'priority' | 'status' | 'projectId' | 'reason'>
> & {
  /** `null` clears it. */
  readonly due?: string | null;
  readonly blocker?: string | null;
};

/** An item with `changes` applied (every adapter's update means exactly this). */
export function applyTodoChanges(item: TodoItem, changes: TodoChanges, at: string): TodoItem {
  const { due, blocker, ...rest } = changes;
  const next: Record<string, unknown> = { ...item, ...rest, updatedAt: at };
  for (const [key, value] of Object.entries({ due, blocker })) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
  return next as unknown as TodoItem;
}

export interface TodoStore {
  /** Adds an item; CONFLICT when the id exists. */
  create(item: TodoItem): Promise<void>;
  get(id: string): Promise<TodoItem | undefined>;
  /** Applies the changes; NOT_FOUND for an unknown id. Returns the item as it is now. */
  update(id: string, changes: TodoChanges, at: string): Promise<TodoItem>;
  /** Oldest first. */
  list(filter?: TodoFilter): Promise<TodoItem[]>;
}
