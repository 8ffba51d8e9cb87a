import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-app.ts';

describe('routing with a model tie-break', () => {
  const routing = { thresholds: { confidence: 1, maxOutOfScope: 1 } };

  it('asks the default model to pick when the ranker is unsure, and records why', async () => {
    const { app } = await createTestApp({ routing, turns: [{ text: 'translator' }] });
    const offline = app.route({ text: 'translator test agent please' });
    expect(offline.kind).toBe('clarification');
    const result = await app.routeAsync({ text: 'translator test agent please' });
    expect(result).toMatchObject({ kind: 'decision', agent: 'translator', strategy: 'model' });
    expect(result.reasons.join(' ')).toContain('model tie-break chose translator');
  });

  it('keeps the question when the model picks nothing, fails, or tie-breaks are off', async () => {
    const none = await createTestApp({ routing, turns: [{ text: 'none of them' }] });
    expect(await none.app.routeAsync({ text: 'translator test agent please' })).toMatchObject({
      kind: 'clarification',
    });
    const noModel = await createTestApp({ routing, model: false });
    expect((await noModel.app.routeAsync({ text: 'translator test agent please' })).kind).toBe(
      'clarification',
    );
    const off = await createTestApp({
      routing: { ...routing, modelTieBreak: false },
      turns: [{ text: 'translator' }],
    });
    expect((await off.app.routeAsync({ text: 'translator test agent please' })).kind).toBe('clarification');
  });
});
