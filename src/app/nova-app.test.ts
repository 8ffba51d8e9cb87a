import { describe, expect, it } from 'vitest';
import { createTestApp, testAgent } from '../../test/support/test-app.ts';

describe('NovaApp', () => {
  it('sends a task without an agent to the default agent', async () => {
    const { app } = await createTestApp();
    const run = await app.ask({ text: 'hi' });
    expect(run).toMatchObject({
      agent: 'assistant',
      status: 'succeeded',
      task: { requester: { kind: 'owner' } },
    });
  });

  it('refuses bad input before any run is recorded', async () => {
    const { app, journal } = await createTestApp({
      agents: [testAgent('assistant', { projects: ['acme'] })],
      projects: [
        { id: 'acme', name: 'Acme', root: '/tmp', docs: [], tags: [] },
        { id: 'globex', name: 'Globex', root: '/tmp', docs: [], tags: [] },
      ],
    });
    await expect(app.ask({ text: '   ' })).rejects.toThrow(/task text is empty/);
    await expect(app.ask({ text: 'hi', projectId: 'globex' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('may not work on project "globex"'),
    });
    await expect(app.ask({ text: 'hi', projectId: 'initech' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await journal.listRuns()).toEqual([]);
    expect((await app.ask({ text: 'hi', projectId: 'acme' })).task.projectId).toBe('acme');
  });

  it('cancels a run in flight and shuts down by cancelling what is left', async () => {
    const hang = (request: { signal?: AbortSignal }) =>
      new Promise<never>((_, reject) =>
        request.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const { app } = await createTestApp({ turns: [hang, hang] });
    const first = app.start({ text: 'one' });
    const second = app.start({ text: 'two' });
    expect(app.isRunningHere(first.runId)).toBe(true);
    expect(app.cancel(first.runId)).toBe(true);
    expect((await first.done).status).toBe('cancelled');
    expect(app.cancel(first.runId)).toBe(false);
    await app.shutdown();
    expect((await second.done).status).toBe('cancelled');
  });

  it('reports an unknown run with a hint', async () => {
    const { app } = await createTestApp();
    await expect(app.getRun('run_nope')).rejects.toThrow(/nova runs list/);
  });
});
