import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-app.ts';
import { taskFingerprint } from '../domain/task-fingerprint.ts';
import { NovaApp } from './nova-app.ts';

describe('no redundant work', () => {
  it('fingerprints ignore case, spacing and end punctuation, but not agent, project or words', () => {
    const base = taskFingerprint({ agent: 'assistant', text: 'Summarise the README' });
    expect(taskFingerprint({ agent: 'assistant', text: '  summarise   the readme!! ' })).toBe(base);
    expect(taskFingerprint({ agent: 'writer', text: 'Summarise the README' })).not.toBe(base);
    expect(taskFingerprint({ agent: 'assistant', text: 'Summarise the README', projectId: 'acme' })).not.toBe(
      base,
    );
    expect(taskFingerprint({ agent: 'assistant', text: 'Summarise the CHANGELOG' })).not.toBe(base);
  });

  it('reuses a recent equal result, records where it came from, and --fresh runs again', async () => {
    let calls = 0;
    const { app, tracer, traces } = await createTestApp({
      reuseWindowMs: 60_000,
      turns: [
        async () => {
          calls += 1;
          return { text: `answer ${calls}` };
        },
      ],
    });
    const first = await app.ask({ text: 'What is due today?', agent: 'assistant' });
    const second = await app.ask({ text: 'what is due today', agent: 'assistant' });
    expect(calls).toBe(1);
    expect(second).toMatchObject({
      status: 'succeeded',
      reusedFromRunId: first.id,
      outcome: { output: 'answer 1' },
    });
    expect(second.id).not.toBe(first.id);
    // The reused run shows in its trace as one span naming where the answer came from.
    await tracer.flush();
    expect(await traces.listSpans(second.id)).toMatchObject([
      {
        kind: 'invoke_agent',
        attributes: { 'nova.reused_from': first.id, 'gen_ai.agent.name': 'assistant' },
      },
    ]);
    const fresh = await app.ask({ text: 'What is due today?', agent: 'assistant', fresh: true });
    expect(calls).toBe(2);
    expect(fresh.reusedFromRunId).toBeUndefined();
    const otherAgent = await app.ask({ text: 'What is due today?', agent: 'translator' });
    expect(otherAgent.reusedFromRunId).toBeUndefined();
  });

  it('does not reuse failed runs or results older than the window', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let calls = 0;
    const { app } = await createTestApp({
      reuseWindowMs: 60_000,
      clock: { now: () => now, sleep: () => Promise.resolve() },
      turns: [
        async () => {
          calls += 1;
          if (calls === 1) throw new Error('provider down');
          return { text: `answer ${calls}` };
        },
      ],
    });
    expect((await app.ask({ text: 'status?', agent: 'assistant' })).status).toBe('failed');
    expect((await app.ask({ text: 'status?', agent: 'assistant' })).reusedFromRunId).toBeUndefined();
    now += 61_000;
    expect((await app.ask({ text: 'status?', agent: 'assistant' })).reusedFromRunId).toBeUndefined();
    expect(calls).toBe(3);
  });

  it('lets identical tasks in flight share one execution', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { app } = await createTestApp({
      turns: [
        async () => {
          calls += 1;
          await gate;
          return { text: 'shared answer' };
        },
      ],
    });
    const starts = Array.from({ length: 5 }, () =>
      app.start({ text: 'compile the weekly report', agent: 'assistant' }),
    );
    expect(new Set(starts.map((started) => started.runId)).size).toBe(1);
    expect(starts.filter((started) => started.joined)).toHaveLength(4);
    release();
    const runs = await Promise.all(starts.map((started) => started.done));
    expect(calls).toBe(1);
    expect(runs.every((run) => run.outcome?.output === 'shared answer')).toBe(true);
    expect(app).toBeInstanceOf(NovaApp);
  });
});
