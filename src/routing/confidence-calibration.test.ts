import { describe, expect, it } from 'vitest';
import { calibrationReport, fitTemperature, softmax } from './confidence-calibration.ts';

/** Deterministic pseudo-random numbers for synthetic data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('confidence calibration', () => {
  it('softmax sums to one and a higher temperature spreads it out', () => {
    const sharp = softmax([2, 1, 0], 0.5);
    const flat = softmax([2, 1, 0], 5);
    expect(sharp.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(sharp[0]).toBeGreaterThan(flat[0] ?? 1);
    expect(softmax([1000, 0], 1)[0]).toBe(1);
  });

  it('recovers the temperature that generated the labels', () => {
    const next = random(7);
    const heldOut = Array.from({ length: 4000 }, () => {
      const scores = [next() * 4, next() * 4, next() * 4];
      const probabilities = softmax(scores, 2);
      const draw = next();
      const label =
        draw < (probabilities[0] ?? 0) ? 0 : draw < (probabilities[0] ?? 0) + (probabilities[1] ?? 0) ? 1 : 2;
      return { scores, label };
    });
    expect(fitTemperature(heldOut, { smoothing: 0 })).toBeGreaterThan(1.7);
    expect(fitTemperature(heldOut, { smoothing: 0 })).toBeLessThan(2.3);
  });

  it('does not become certain when every one of a few held-out examples is right', () => {
    const heldOut = [
      { scores: [3, 0, 0], label: 0 },
      { scores: [0, 2, 0], label: 1 },
      { scores: [0, 0, 4], label: 2 },
    ];
    const temperature = fitTemperature(heldOut);
    expect(softmax([2, 0, 0], temperature)[0]).toBeLessThan(0.99);
    expect(fitTemperature([])).toBe(1);
  });

  it('expected calibration error is zero when confidence matches accuracy and large when it does not', () => {
    const honest = [true, true, true, false].map((correct) => ({ confidence: 0.75, correct }));
    expect(calibrationReport(honest).expectedCalibrationError).toBeCloseTo(0, 10);
    const overconfident = Array.from({ length: 10 }, (_, index) => ({
      confidence: 0.95,
      correct: index < 5,
    }));
    const report = calibrationReport(overconfident);
    expect(report.expectedCalibrationError).toBeCloseTo(0.45, 10);
    expect(report.bins).toEqual([{ lower: 0.9, upper: 1, count: 10, meanConfidence: 0.95, accuracy: 0.5 }]);
  });
});
