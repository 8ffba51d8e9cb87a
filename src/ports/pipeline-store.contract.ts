import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore } from './approval-store.ts';
import type { EffectLedger } from './effect-ledger.ts';
import type { PipelineRun, PipelineStore } from './pipeline-store.ts';

export interface DurableStoresFixture {
  readonly pipelines: PipelineStore;
  readonly effects: EffectLedger;
  readonly approvals: ApprovalStore;
  cleanup(): Promise<void>;
}

function pipelineRun(id: string, overrides: Partial<PipelineRun> = {}): PipelineRun {
  return {
    id,
    pipeline: 'p',
    definition: {
      name: 'p',
      description: 'd',
      input: { type: 'object' },
      steps: [{ id: 'a', kind: 'join', from: ['a'], retries: 0 }],
    },
    definitionHash: 'h',
    input: { topic: 'x' },
    status: 'running',
    owner: 'host:1:a',
    startedAt: `2026-11-22T10:00:0${id.slice(-1)}.000Z`,
    ...overrides,
  };
}

/** What pipelines rely on from their stores: step records replaced by key, atomic claims and effect keys, decisions once. */
export function durableStoresContract(name: string, create: () => Promise<DurableStoresFixture>): void {
  describe(`PipelineStore, EffectLedger and ApprovalStore contract: ${name}`, () => {
    let fixture: DurableStoresFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(() => fixture.cleanup());

    it('keeps a run and replaces step records by key, in first-written order', async () => {
      const { pipelines } = fixture;
      await pipelines.createRun(pipelineRun('r1'));
      const base = {
        runId: 'r1',
        stepId: 'a',
        kind: 'agent' as const,
        agentRunIds: [],
        startedAt: '2026-11-22T10:00:00.000Z',
      };
      await pipelines.putStep({ ...base, key: 'a', status: 'started', attempt: 1 });
      await pipelines.putStep({ ...base, key: 'b', status: 'started', attempt: 1 });
      await pipelines.putStep({
        ...base,
        key: 'a',
        status: 'succeeded',
        attempt: 1,
        output: { ok: true },
        agentRunIds: ['run_1'],
      });
      const steps = await pipelines.listSteps('r1');
      expect(steps.map((step) => [step.key, step.status])).toEqual([
        ['a', 'succeeded'],
        ['b', 'started'],
      ]);
      expect(steps[0]).toMatchObject({ output: { ok: true }, agentRunIds: ['run_1'] });
      await pipelines.updateRun('r1', {
        status: 'succeeded',
        endedAt: '2026-11-22T10:01:00.000Z',
        output: 'done',
      });
      expect(await pipelines.getRun('r1')).toMatchObject({
        status: 'succeeded',
        output: 'done',
        input: { topic: 'x' },
      });
      expect(await pipelines.getRun('nope')).toBeUndefined();
    });

    it('marks runs of dead owners interrupted, and lets one process claim each', async () => {
      const { pipelines } = fixture;
      await pipelines.createRun(pipelineRun('r1', { owner: 'dead' }));
      await pipelines.createRun(pipelineRun('r2', { owner: 'alive' }));
      expect(
        await pipelines.markInterrupted((owner) => owner === 'alive', '2026-11-22T11:00:00.000Z'),
      ).toEqual(['r1']);
      expect(await pipelines.claim('r1', 'me')).toBe(true);
      expect(await pipelines.claim('r1', 'someone else')).toBe(false);
      expect(await pipelines.claim('r2', 'me')).toBe(false);
      expect(await pipelines.getRun('r1')).toMatchObject({ status: 'running', owner: 'me' });
    });

    it('records an effect key once: a second begin returns the first record', async () => {
      const { effects } = fixture;
      const record = {
        key: 'k1',
        runId: 'r1',
        tool: 'notes_add',
        input: { text: 'x' },
        startedAt: '2026-11-22T10:00:00.000Z',
      };
      expect(await effects.begin(record)).toBeUndefined();
      expect(await effects.begin(record)).toMatchObject({ key: 'k1', status: 'started' });
      await effects.finish('k1', {
        status: 'succeeded',
        output: 'saved',
        endedAt: '2026-11-22T10:00:01.000Z',
      });
      expect(await effects.begin(record)).toMatchObject({ status: 'succeeded', output: 'saved' });
    });

    it('lists pending approvals and records a decision once', async () => {
      const { approvals } = fixture;
      const request = {
        id: 'ap1',
        runId: 'r1',
        tool: 't',
        input: { a: 1 },
        reason: 'why',
        createdAt: '2026-11-22T10:00:00.000Z',
        expiresAt: '2026-11-23T10:00:00.000Z',
      };
      await approvals.create(request);
      expect(await approvals.listPending()).toEqual([request]);
      const decision = { approved: true, by: 'owner', at: '2026-11-22T10:05:00.000Z' };
      expect(await approvals.decide('ap1', decision)).toBe(true);
      expect(await approvals.decide('ap1', { ...decision, approved: false })).toBe(false);
      expect(await approvals.get('ap1')).toMatchObject({ decision });
      expect(await approvals.listPending()).toEqual([]);
    });
  });
}
