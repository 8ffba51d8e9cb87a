import type { Hono } from 'hono';
import { z } from 'zod';
import type { PipelineService } from '../../app/pipeline-service.ts';
import { NovaError } from '../../domain/nova-error.ts';
import { readJson, zodProblems } from './http-helpers.ts';

const runBody = z
  .object({
    input: z.unknown().optional(),
    /** Wait for the run to stop (succeed, fail or wait for an approval) and return it. */
    wait: z.boolean().optional(),
  })
  .strict();

const decisionBody = z
  .object({
    approved: z.boolean(),
    reason: z.string().trim().min(1).max(2_000).optional(),
  })
  .strict()
  .refine((body) => body.approved || body.reason !== undefined, { message: 'a denial needs a "reason"' });

/** Pipelines, their runs, approvals and blame over HTTP; same service as the CLI. */
export function addPipelineRoutes(http: Hono, pipelines: PipelineService): void {
  http.get('/v1/pipelines', async (context) => {
    const { pipelines: list, problems } = await pipelines.list();
    return context.json({
      pipelines: list.map((pipeline) => ({
        name: pipeline.name,
        description: pipeline.description,
        input: pipeline.input,
        steps: pipeline.steps.length,
      })),
      problems,
    });
  });

  http.post('/v1/pipelines/:name/runs', async (context) => {
    const parsed = runBody.safeParse(await readJson(context));
    if (!parsed.success)
      throw new NovaError('BAD_REQUEST', `invalid pipeline run: ${zodProblems(parsed.error)}`);
    const started = await pipelines.run(context.req.param('name'), parsed.data.input ?? {});
    if (parsed.data.wait) return context.json({ run: await started.done }, 200);
    started.done.catch(() => undefined);
    return context.json({ runId: started.runId, links: { run: `/v1/pipeline-runs/${started.runId}` } }, 202);
  });

  http.get('/v1/pipeline-runs', async (context) =>
    context.json({ runs: await pipelines.listRuns({ limit: 50 }) }),
  );
  http.get('/v1/pipeline-runs/:id', async (context) =>
    context.json(await pipelines.getRun(context.req.param('id'))),
  );
  http.get('/v1/pipeline-runs/:id/blame', async (context) =>
    context.json({ blame: await pipelines.blame(context.req.param('id'), context.req.query('step')) }),
  );
  http.post('/v1/pipeline-runs/:id/resume', async (context) => {
    const resumed = await pipelines.resume(context.req.param('id'));
    resumed.done.catch(() => undefined);
    return context.json({ runId: resumed.runId }, 202);
  });

  /** What waits for a yes or no: the tool, its arguments, why, and the untrusted sources involved. */
  http.get('/v1/approvals', async (context) => context.json({ approvals: await pipelines.listApprovals() }));

  http.post('/v1/approvals/:id', async (context) => {
    const parsed = decisionBody.safeParse(await readJson(context));
    if (!parsed.success) throw new NovaError('BAD_REQUEST', `invalid decision: ${zodProblems(parsed.error)}`);
    const { approved, reason } = parsed.data;
    const resumed = await pipelines.decide(context.req.param('id'), {
      approved,
      by: 'owner (http)',
      ...(reason ? { reason } : {}),
    });
    // The run continues in this process; its progress is in the journal.
    if (resumed && 'done' in resumed) {
      resumed.done.catch(() => undefined);
      return context.json({ decided: true, resumed: { pipelineRunId: resumed.runId } }, 202);
    }
    if (resumed) {
      resumed.agentRun.catch(() => undefined);
      return context.json({ decided: true, resumed: { agentRun: true } }, 202);
    }
    return context.json({ decided: true }, 200);
  });
}
