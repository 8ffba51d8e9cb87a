import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import type { NovaApp } from '../../app/nova-app.ts';
import { NovaError, toNovaError } from '../../domain/nova-error.ts';
import type { RunEvent } from '../../domain/run-event.ts';
import type { RoutingDecision } from '../../domain/routing-decision.ts';
import { isTerminal, runStatuses } from '../../domain/run.ts';
import { parseMention } from '../../routing/router.ts';
import type { Step } from '../../domain/step.ts';
import { httpStatuses } from './http-status.ts';
import type { PipelineService } from '../../app/pipeline-service.ts';
import { addPipelineRoutes } from './pipeline-routes.ts';
import { addReminderRoutes } from './reminder-routes.ts';
import { addDraftRoutes, addTodoRoutes } from './todo-draft-routes.ts';
import type { TodoList } from '../../tools/builtin/todos.ts';
import type { DraftStore } from '../../ports/draft-store.ts';
import type { ReminderService } from '../../app/reminder-service.ts';
import { readJson, zodProblems } from './http-helpers.ts';

export interface HttpAppOptions {
  readonly app: NovaApp;
  /** Every request must carry `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly maxBodyBytes: number;
  /** How often a stream polls the journal for runs executed by another process. */
  readonly pollIntervalMs?: number;
  /** Pipelines and approvals; their routes are left out without it. */
  readonly pipelines?: PipelineService;
  /** Reminders and the inbox; their routes are left out without it. */
  readonly reminders?: ReminderService;
  /** The to-do list; its routes are left out without it. */
  readonly todos?: TodoList;
  /** E-mail drafts (read-only); their routes are left out without it. */
  readonly drafts?: DraftStore;
  /** Browser origins allowed to call the API (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Where unexpected errors are logged (their details never go to the client). */
  readonly log?: (line: string) => void;
}

const createTaskBody = z
  .object({
    text: z.string().trim().min(1, 'must say what you want done').max(100_000),
    agent: z.string().min(1).optional(),
    project: z.string().min(1).optional(),
    /** Wait for the run to end and return it, instead of 202 with links. */
    wait: z.boolean().optional(),
    /** Run even if an equal task succeeded recently. */
    fresh: z.boolean().optional(),
    /** Continue a conversation: the run this task follows up, or "last". */
    followUp: z.string().min(1).optional(),
  })
  .strict();

const answerBody = z
  .object({
    agent: z.string().min(1, 'name the agent that should take the task'),
    wait: z.boolean().optional(),
    fresh: z.boolean().optional(),
  })
  .strict();

const listRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(20),
  status: z.enum(runStatuses).optional(),
  agent: z.string().min(1).optional(),
});

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function errorBody(error: NovaError): { error: { code: string; message: string; details?: unknown } } {
  // Details of internal errors may hold paths or driver output; clients get the message only.
  const exposeDetails =
    error.code !== 'INTERNAL' && error.code !== 'STORAGE_ERROR' && Object.keys(error.details).length > 0;
  return {
    error: { code: error.code, message: error.message, ...(exposeDetails ? { details: error.details } : {}) },
  };
}

/** The HTTP API as a Hono app; testable in-process with `app.request(...)`. */
export function createHttpApp(options: HttpAppOptions): Hono {
  const { app: nova } = options;
  const expectedToken = digest(options.token);
  const http = new Hono();

  http.onError((error, context) => {
    const failure = toNovaError(error);
    if (failure.code === 'INTERNAL' || failure.code === 'STORAGE_ERROR') {
      // A bug or a storage failure: the client gets an id to quote, the log gets the detail.
      const requestId = randomUUID();
      options.log?.(
        `nova: ${context.req.method} ${context.req.path} failed (request ${requestId}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return context.json(
        {
          error: {
            code: failure.code,
            message: `Nova could not complete this request; quote request id ${requestId} when reporting it`,
            requestId,
          },
        },
        httpStatuses[failure.code],
      );
    }
    return context.json(errorBody(failure), httpStatuses[failure.code]);
  });

  // CORS is closed unless the owner lists origins: a web page elsewhere cannot drive the API.
  const allowedOrigins = new Set(options.corsOrigins ?? []);
  http.use('*', async (context, next) => {
    const origin = context.req.header('origin');
    const allowed = origin !== undefined && allowedOrigins.has(origin);
    if (context.req.method === 'OPTIONS' && origin !== undefined) {
      if (!allowed) return context.body(null, 403);
      return context.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    await next();
    if (allowed) {
      context.res.headers.set('Access-Control-Allow-Origin', origin);
      context.res.headers.set('Vary', 'Origin');
    }
    return undefined;
  });
  http.notFound((context) =>
    context.json(
      errorBody(
        new NovaError(
          'NOT_FOUND',
          `no route ${context.req.method} ${context.req.path}; see the README for the API`,
        ),
      ),
      404,
    ),
  );

  http.use('*', async (context, next) => {
    const header = context.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expectedToken)) {
      context.header('WWW-Authenticate', 'Bearer');
      return context.json(
        errorBody(
          new NovaError(
            'UNAUTHORIZED',
            'missing or wrong bearer token; send "Authorization: Bearer <token>" (the token is in the data folder, file api-token)',
          ),
        ),
        401,
      );
    }
    return next();
  });
  http.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: (context) =>
        context.json(
          errorBody(
            new NovaError('PAYLOAD_TOO_LARGE', `the body is larger than ${options.maxBodyBytes} bytes`),
          ),
          413,
        ),
    }),
  );

  if (options.pipelines) addPipelineRoutes(http, options.pipelines);
  if (options.reminders) addReminderRoutes(http, options.reminders);
  if (options.todos) addTodoRoutes(http, options.todos);
  if (options.drafts) addDraftRoutes(http, options.drafts);

  http.get('/v1/agents', (context) =>
    context.json({
      agents: nova.catalog.list().map((agent) => ({
        name: agent.name,
        title: agent.title,
        domain: agent.domain,
        description: agent.description,
        tools: agent.policy.tools,
        effects: agent.policy.effects,
      })),
      problems: nova.catalog.problems(),
    }),
  );

  http.get('/v1/agents/:name', (context) => {
    const agent = nova.catalog.get(context.req.param('name'));
    return context.json({ agent: { ...agent, examples: [...agent.examples] } });
  });

  http.post('/v1/tasks', async (context) => {
    const parsed = createTaskBody.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid task: ${zodProblems(parsed.error)}`);
    const body = parsed.data;
    let agent = body.agent;
    let text = body.text;
    let routing: RoutingDecision | undefined;
    const follows = body.followUp === undefined ? undefined : await nova.resolveFollowUp(body.followUp);
    if (!agent) {
      const routed = await nova.routeAsync({
        text,
        ...(body.project ? { projectId: body.project } : {}),
        ...(follows ? { followsRunId: follows.id } : {}),
        // A client that goes away while the router trains gets no run started for it.
        signal: context.req.raw.signal,
      });
      // Not sure which agent: a question back, not a guess. The client answers by naming the agent.
      if (routed.kind === 'clarification') {
        const pending = await nova.recordClarification({
          text,
          ...(body.project ? { projectId: body.project } : {}),
          clarification: routed,
        });
        return context.json(
          {
            clarification: { ...routed, id: pending.id },
            links: { answer: `/v1/clarifications/${pending.id}` },
          },
          200,
        );
      }
      agent = routed.agent;
      routing = routed;
      if (routed.strategy === 'explicit') text = parseMention(text)?.text ?? text;
    }
    const started = nova.start({
      text,
      agent,
      ...(routing ? { routing } : {}),
      ...(body.project ? { projectId: body.project } : {}),
      ...(body.fresh ? { fresh: true } : {}),
      ...(follows ? { followUp: follows.id } : {}),
      requester: { kind: 'api', client: 'http' },
    });
    if (body.wait) {
      const run = await started.done;
      return context.json({ run }, 200);
    }
    // The run goes on without this request; its end is recorded in the journal either way.
    started.done.catch(() => undefined);
    return context.json(
      {
        runId: started.runId,
        agent: started.agent,
        model: started.model,
        links: { run: `/v1/runs/${started.runId}`, events: `/v1/runs/${started.runId}/events` },
      },
      202,
    );
  });

  // Answering Nova's question continues the same task with the chosen agent.
  http.post('/v1/clarifications/:id', async (context) => {
    const parsed = answerBody.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid answer: ${zodProblems(parsed.error)}`);
    const started = await nova.answerClarification(context.req.param('id'), parsed.data.agent, {
      ...(parsed.data.fresh ? { fresh: true } : {}),
    });
    if (parsed.data.wait) return context.json({ run: await started.done }, 200);
    started.done.catch(() => undefined);
    return context.json(
      {
        runId: started.runId,
        agent: started.agent,
        links: { run: `/v1/runs/${started.runId}`, events: `/v1/runs/${started.runId}/events` },
      },
      202,
    );
  });

  http.get('/v1/runs', async (context) => {
    const parsed = listRunsQuery.safeParse(context.req.query());
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid query: ${zodProblems(parsed.error)}`);
    const { limit, status, agent } = parsed.data;
    return context.json({
      runs: await nova.listRuns({ limit, ...(status ? { status } : {}), ...(agent ? { agent } : {}) }),
    });
  });

  http.get('/v1/runs/:id', async (context) => context.json(await nova.getRun(context.req.param('id'))));

  http.post('/v1/runs/:id/cancel', async (context) => {
    const { run } = await nova.getRun(context.req.param('id'));
    if (isTerminal(run.status))
      throw new NovaError('CONFLICT', `run ${run.id} has already ended (${run.status})`);
    if (!nova.cancel(run.id)) {
      throw new NovaError('CONFLICT', `run ${run.id} is executed by another Nova process; cancel it there`);
    }
    return context.json({ runId: run.id, cancelling: true }, 202);
  });

  http.get('/v1/runs/:id/events', async (context) => {
    const runId = context.req.param('id');
    await nova.getRun(runId);
    return streamSSE(context, (stream) =>
      streamRunEvents(nova, runId, stream, options.pollIntervalMs ?? 500),
    );
  });

  return http;
}

/**
 * Sends what the journal already holds, then live events until the run ends. Runs executed by
 * this process come from the event bus; runs of another process are followed by polling.
 */
async function streamRunEvents(
  nova: NovaApp,
  runId: string,
  stream: SSEStreamingApi,
  pollIntervalMs: number,
): Promise<void> {
  const sent = new Set<string>();
  const keyOf = (event: RunEvent): string | undefined =>
    event.type === 'step-start' || event.type === 'step-end' ? `${event.type}:${event.step.seq}` : undefined;
  let id = 0;
  const send = async (event: RunEvent): Promise<void> => {
    const key = keyOf(event);
    if (key) {
      if (sent.has(key)) return;
      sent.add(key);
    }
    id += 1;
    await stream.writeSSE({ event: event.type, id: String(id), data: JSON.stringify(event) });
  };
  const stepEvents = (step: Step): RunEvent[] =>
    step.status === 'started'
      ? [{ type: 'step-start', runId, step }]
      : [
          { type: 'step-start', runId, step: { ...step, status: 'started' } },
          { type: 'step-end', runId, step },
        ];

  const queue: RunEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = nova.subscribe(runId, (event) => {
    queue.push(event);
    wake?.();
  });
  let aborted = false;
  stream.onAbort(() => {
    aborted = true;
    wake?.();
  });
  try {
    const sendSnapshot = async (): Promise<boolean> => {
      const { run, steps } = await nova.getRun(runId);
      for (const step of steps) for (const event of stepEvents(step)) await send(event);
      if (!isTerminal(run.status)) return false;
      await send({
        type: 'run-end',
        runId,
        status: run.status,
        ...(run.outcome ? { outcome: run.outcome } : {}),
        ...(run.error ? { error: run.error } : {}),
      });
      return true;
    };
    if (await sendSnapshot()) return;
    while (!aborted) {
      const event = queue.shift();
      if (event) {
        await send(event);
        if (event.type === 'run-end') return;
        continue;
      }
      if (!nova.isRunningHere(runId) && (await sendSnapshot())) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollIntervalMs);
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
  }
}
