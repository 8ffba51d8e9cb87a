import type { Hono } from 'hono';
import { NovaError } from '../../domain/nova-error.ts';
import type { DraftStore } from '../../ports/draft-store.ts';
import { draftToEml } from '../../tools/builtin/email-draft.ts';
import {
  todoChangeInput,
  todoCreateInput,
  todoSelections,
  type TodoList,
  type TodoSelection,
} from '../../tools/builtin/todos.ts';
import { readJson, zodProblems } from './http-helpers.ts';

/** The to-do list over HTTP: the same list as `nova todo` and the task-tracker agent's tools. */
export function addTodoRoutes(http: Hono, todos: TodoList): void {
  http.get('/v1/todos', async (context) => {
    const show = context.req.query('show') ?? 'open';
    if (!(todoSelections as readonly string[]).includes(show))
      throw new NovaError('BAD_REQUEST', `show must be one of ${todoSelections.join(', ')} (got "${show}")`);
    const project = context.req.query('project');
    return context.json({
      today: todos.today(),
      todos: await todos.select(show as TodoSelection, project === '' ? undefined : project),
    });
  });
  http.post('/v1/todos', async (context) => {
    const parsed = todoCreateInput.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid to-do: ${zodProblems(parsed.error)}`);
    return context.json({ todo: await todos.add(parsed.data, 'owner (http)') }, 201);
  });
  http.patch('/v1/todos/:id', async (context) => {
    const parsed = todoChangeInput.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid change: ${zodProblems(parsed.error)}`);
    return context.json({ todo: await todos.change(context.req.param('id'), parsed.data) });
  });
}

/** E-mail drafts over HTTP, read-only: Nova never sends them; `/eml` is the file a mail client opens. */
export function addDraftRoutes(http: Hono, drafts: DraftStore): void {
  http.get('/v1/drafts', async (context) => {
    const limit = Number(context.req.query('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new NovaError(
        'BAD_REQUEST',
        `limit must be a whole number from 1 to 500 (got "${context.req.query('limit')}")`,
      );
    return context.json({ drafts: await drafts.list(limit) });
  });
  const draftOf = async (id: string) => {
    const draft = await drafts.get(id);
    if (!draft) throw new NovaError('NOT_FOUND', `no draft ${id}; GET /v1/drafts lists them`);
    return draft;
  };
  http.get('/v1/drafts/:id', async (context) =>
    context.json({ draft: await draftOf(context.req.param('id')) }),
  );
  http.get('/v1/drafts/:id/eml', async (context) => {
    const draft = await draftOf(context.req.param('id'));
    return context.body(draftToEml(draft), 200, {
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="${draft.id}.eml"`,
    });
  });
}
