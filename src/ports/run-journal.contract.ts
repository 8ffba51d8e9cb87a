import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyContextPack } from '../domain/context-item.ts';
import { NovaError } from '../domain/nova-error.ts';
import type { Run } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import type { RunJournal } from './run-journal.ts';

export interface JournalFixture {
  readonly journal: RunJournal;
  cleanup(): Promise<void>;
}

export function sampleRun(id: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    task: {
      id: `task_${id}`,
      text: `task of ${id}`,
      requester: { kind: 'owner' },
      constraints: {},
      createdAt: '2026-11-22T10:00:00.000Z',
    },
    agent: 'assistant',
    model: 'scripted:hello.json',
    rootRunId: id,
    status: 'running',
    startedAt: '2026-11-22T10:00:00.000Z',
    usage: { inputTokens: 0, outputTokens: 0 },
    context: emptyContextPack,
    owner: 'host:1:a',
    ...overrides,
  };
}

export function sampleStep(runId: string, seq: number, overrides: Partial<Step> = {}): Step {
  return {
    runId,
    seq,
    kind: 'tool-call',
    name: 'notes_search',
    status: 'started',
    input: { toolCallId: `call_${seq}`, input: { query: 'welcome', nested: [1, { a: true }] } },
    startedAt: '2026-11-22T10:00:01.000Z',
    ...overrides,
  };
}

/**
 * The behaviour every RunJournal adapter must have (see the port's contract comment). Each
 * adapter's test file calls this once per configuration.
 */
export function runJournalContract(name: string, create: () => Promise<JournalFixture>): void {
  describe(`RunJournal contract: ${name}`, () => {
    let fixture: JournalFixture;
    let journal: RunJournal;
    beforeEach(async () => {
      fixture = await create();
      journal = fixture.journal;
    });
    afterEach(() => fixture.cleanup());

    it('stores a run and returns it exactly, without inventing absent fields', async () => {
      const run = sampleRun('run_a');
      await journal.createRun(run);
      const stored = await journal.getRun('run_a');
      expect(stored).toEqual(run);
      expect(stored && 'parentRunId' in stored).toBe(false);
      expect(stored && 'outcome' in stored).toBe(false);
      expect(await journal.getRun('run_missing')).toBeUndefined();
    });

    it('returns a run with every optional field exactly as stored', async () => {
      const run = sampleRun('run_child', {
        task: {
          id: 'task_child',
          text: 'Reconcile the Acme ledger',
          projectId: 'acme',
          requester: { kind: 'agent', agent: 'planner', runId: 'run_parent' },
          constraints: {
            agent: 'erp-accounting',
            budget: { maxSteps: 5 },
            outputContract: { type: 'object' },
          },
          parentTaskId: 'task_parent',
          idempotencyKey: 'key-1',
          createdAt: '2026-11-22T09:59:59.000Z',
        },
        parentRunId: 'run_parent',
        rootRunId: 'run_parent',
        status: 'failed',
        endedAt: '2026-11-22T10:00:09.000Z',
        outcome: {
          output: { rows: [1, 2.5, null, 'three'], empty: {}, unicode: 'Zürich ✓' },
          assumptions: [{ id: 'a1', text: 'amounts are in EUR' }],
          evidence: ['ctx_1'],
          confidence: 0.25,
          openQuestions: ['which fiscal year?'],
        },
        error: { code: 'BUDGET_EXCEEDED', message: 'step budget of 5 used up' },
        usage: { inputTokens: 1234, outputTokens: 56 },
        context: {
          items: [
            {
              id: 'ctx_1',
              kind: 'file',
              content: 'ledger.csv',
              provenance: {
                sourceUri: 'file://acme/ledger.csv',
                observedAt: '2026-11-22T09:59:00.000Z',
                contentHash: 'sha256:abc',
                trust: 'trusted',
              },
              tokens: 3,
            },
          ],
          tokenBudget: 1000,
          tokensUsed: 3,
          excluded: [{ id: 'ctx_2', sourceUri: 'file://acme/old.csv', reason: 'stale' }],
        },
        owner: 'host:42:abcd',
      });
      await journal.createRun(run);
      expect(await journal.getRun('run_child')).toStrictEqual(run);
      expect(await journal.listRuns({ parentRunId: 'run_parent' })).toStrictEqual([run]);
    });

    it('refuses a second run with the same id', async () => {
      await journal.createRun(sampleRun('run_a'));
      await expect(journal.createRun(sampleRun('run_a'))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'CONFLICT'),
      );
    });

    it('completes a run with its outcome, error and usage', async () => {
      await journal.createRun(sampleRun('run_a'));
      const outcome = {
        output: { answer: 42 },
        assumptions: [{ id: 'a1', text: 'the fiscal year is the calendar year' }],
        evidence: [],
        openQuestions: [],
      };
      await journal.completeRun('run_a', {
        status: 'succeeded',
        endedAt: '2026-11-22T10:00:05.000Z',
        usage: { inputTokens: 12, outputTokens: 7 },
        outcome,
      });
      expect(await journal.getRun('run_a')).toStrictEqual({
        ...sampleRun('run_a'),
        status: 'succeeded',
        endedAt: '2026-11-22T10:00:05.000Z',
        usage: { inputTokens: 12, outputTokens: 7 },
        outcome,
      });
      await journal.createRun(sampleRun('run_b'));
      await journal.completeRun('run_b', {
        status: 'failed',
        endedAt: '2026-11-22T10:00:06.000Z',
        usage: { inputTokens: 1, outputTokens: 0 },
        error: { code: 'MODEL_ERROR', message: '503' },
      });
      expect(await journal.getRun('run_b')).toStrictEqual({
        ...sampleRun('run_b'),
        status: 'failed',
        endedAt: '2026-11-22T10:00:06.000Z',
        usage: { inputTokens: 1, outputTokens: 0 },
        error: { code: 'MODEL_ERROR', message: '503' },
      });
      expect((await journal.listRuns({ status: 'failed' })).map((run) => run.id)).toEqual(['run_b']);
      await expect(
        journal.completeRun('run_missing', {
          status: 'failed',
          endedAt: 'x',
          usage: { inputTokens: 0, outputTokens: 0 },
        }),
      ).rejects.toSatisfy((error) => NovaError.is(error, 'NOT_FOUND'));
    });

    it('lists runs newest first and filters by status, agent and parent', async () => {
      await journal.createRun(sampleRun('run_1', { startedAt: '2026-11-22T10:00:01.000Z' }));
      await journal.createRun(
        sampleRun('run_2', { startedAt: '2026-11-22T10:00:02.000Z', agent: 'translator' }),
      );
      await journal.createRun(
        sampleRun('run_3', {
          startedAt: '2026-11-22T10:00:03.000Z',
          parentRunId: 'run_1',
          rootRunId: 'run_1',
          status: 'succeeded',
        }),
      );
      expect((await journal.listRuns()).map((run) => run.id)).toEqual(['run_3', 'run_2', 'run_1']);
      expect((await journal.listRuns({ limit: 2 })).map((run) => run.id)).toEqual(['run_3', 'run_2']);
      expect((await journal.listRuns({ status: 'running' })).map((run) => run.id)).toEqual([
        'run_2',
        'run_1',
      ]);
      expect((await journal.listRuns({ agent: 'translator' })).map((run) => run.id)).toEqual(['run_2']);
      expect((await journal.listRuns({ parentRunId: 'run_1' })).map((run) => run.id)).toEqual(['run_3']);
    });

    it('appends steps, completes them, and returns them in order', async () => {
      await journal.createRun(sampleRun('run_a'));
      await journal.startStep(sampleStep('run_a', 2, { kind: 'model-call', name: 'scripted:x' }));
      await journal.startStep(sampleStep('run_a', 1));
      await journal.finishStep('run_a', 1, {
        status: 'succeeded',
        endedAt: '2026-11-22T10:00:02.000Z',
        durationMs: 1000,
        output: 'found 1 note',
        usage: { inputTokens: 3, outputTokens: 4 },
      });
      await journal.finishStep('run_a', 2, {
        status: 'failed',
        endedAt: '2026-11-22T10:00:02.500Z',
        durationMs: 1500,
        error: { code: 'TOOL_ERROR', message: 'bad arguments' },
      });
      const steps = await journal.listSteps('run_a');
      expect(steps).toEqual([
        {
          ...sampleStep('run_a', 1),
          status: 'succeeded',
          endedAt: '2026-11-22T10:00:02.000Z',
          durationMs: 1000,
          output: 'found 1 note',
          usage: { inputTokens: 3, outputTokens: 4 },
        },
        {
          ...sampleStep('run_a', 2, { kind: 'model-call', name: 'scripted:x' }),
          status: 'failed',
          endedAt: '2026-11-22T10:00:02.500Z',
          durationMs: 1500,
          error: { code: 'TOOL_ERROR', message: 'bad arguments' },
        },
      ]);
      expect(await journal.listSteps('run_missing')).toEqual([]);
    });

    it('keeps a started step free of fields it does not have yet, and tells null output from none', async () => {
      await journal.createRun(sampleRun('run_a'));
      await journal.createRun(sampleRun('run_b'));
      await journal.startStep(sampleStep('run_a', 1));
      await journal.startStep(sampleStep('run_a', 2, { input: null }));
      await journal.startStep(sampleStep('run_b', 1, { kind: 'handoff', name: 'translator' }));
      await journal.finishStep('run_a', 2, {
        status: 'succeeded',
        endedAt: '2026-11-22T10:00:02.000Z',
        durationMs: 0.5,
        output: null,
      });
      const [started, finished] = await journal.listSteps('run_a');
      expect(started).toStrictEqual(sampleStep('run_a', 1));
      for (const field of ['output', 'error', 'usage', 'endedAt', 'durationMs']) {
        expect(started && field in started).toBe(false);
      }
      expect(finished).toStrictEqual({
        ...sampleStep('run_a', 2, { input: null }),
        status: 'succeeded',
        endedAt: '2026-11-22T10:00:02.000Z',
        durationMs: 0.5,
        output: null,
      });
      expect(await journal.listSteps('run_b')).toStrictEqual([
        sampleStep('run_b', 1, { kind: 'handoff', name: 'translator' }),
      ]);
    });

    it('refuses a step for a run that was never created', async () => {
      await expect(journal.startStep(sampleStep('run_missing', 1))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'NOT_FOUND'),
      );
      expect(await journal.listSteps('run_missing')).toEqual([]);
    });

    it('refuses a duplicate step number and finishing a step that was never started', async () => {
      await journal.createRun(sampleRun('run_a'));
      await journal.startStep(sampleStep('run_a', 1));
      await expect(journal.startStep(sampleStep('run_a', 1))).rejects.toSatisfy((error) =>
        NovaError.is(error, 'CONFLICT'),
      );
      await expect(
        journal.finishStep('run_a', 9, { status: 'succeeded', endedAt: 'x', durationMs: 1 }),
      ).rejects.toSatisfy((error) => NovaError.is(error, 'NOT_FOUND'));
    });

    it('finds the newest executed, succeeded run with a fingerprint inside the window', async () => {
      const completion = {
        status: 'succeeded' as const,
        endedAt: '2026-11-22T10:00:09.000Z',
        usage: { inputTokens: 1, outputTokens: 1 },
      };
      await journal.createRun(
        sampleRun('run_old', { fingerprint: 'f1', startedAt: '2026-11-22T09:00:00.000Z' }),
      );
      await journal.completeRun('run_old', completion);
      await journal.createRun(
        sampleRun('run_new', { fingerprint: 'f1', startedAt: '2026-11-22T10:00:00.000Z' }),
      );
      await journal.completeRun('run_new', completion);
      await journal.createRun(
        sampleRun('run_failed', { fingerprint: 'f1', startedAt: '2026-11-22T10:30:00.000Z' }),
      );
      await journal.completeRun('run_failed', { ...completion, status: 'failed' });
      await journal.createRun(
        sampleRun('run_reused', {
          fingerprint: 'f1',
          reusedFromRunId: 'run_new',
          status: 'succeeded',
          startedAt: '2026-11-22T10:40:00.000Z',
        }),
      );
      expect((await journal.findReusable('f1', '2026-11-22T08:00:00.000Z'))?.id).toBe('run_new');
      expect(await journal.findReusable('f1', '2026-11-22T10:00:00.001Z')).toBeUndefined();
      expect(await journal.findReusable('f2', '2026-11-22T08:00:00.000Z')).toBeUndefined();
      expect(await journal.getRun('run_reused')).toMatchObject({
        fingerprint: 'f1',
        reusedFromRunId: 'run_new',
      });
    });

    it('marks running runs of dead owners as interrupted, and only those', async () => {
      await journal.createRun(sampleRun('run_dead', { owner: 'host:111:dead' }));
      await journal.createRun(sampleRun('run_alive', { owner: 'host:222:alive' }));
      await journal.createRun(
        sampleRun('run_done', {
          owner: 'host:111:dead',
          status: 'succeeded',
          endedAt: '2026-11-22T10:00:09.000Z',
        }),
      );
      await journal.startStep(sampleStep('run_dead', 1));
      const marked = await journal.markInterrupted(
        (owner) => owner.endsWith('alive'),
        '2026-11-22T11:00:00.000Z',
      );
      expect(marked).toEqual(['run_dead']);
      expect(await journal.getRun('run_dead')).toMatchObject({
        status: 'interrupted',
        endedAt: '2026-11-22T11:00:00.000Z',
      });
      expect((await journal.getRun('run_alive'))?.status).toBe('running');
      expect((await journal.getRun('run_done'))?.status).toBe('succeeded');
      expect((await journal.listSteps('run_dead'))[0]?.status).toBe('started');
      expect(await journal.markInterrupted(() => false, '2026-11-22T12:00:00.000Z')).toEqual(['run_alive']);
    });
  });
}
