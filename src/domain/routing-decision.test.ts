import { describe, expect, it } from 'vitest';
import { formatConfidence } from './routing-decision.ts';

describe('formatConfidence', () => {
  it('shows two decimals rounded down, so near-certain is not shown as certain', () => {
    expect(formatConfidence(0.9985)).toBe('0.99');
    expect(formatConfidence(1)).toBe('1.00');
    expect(formatConfidence(0.2)).toBe('0.20');
    expect(formatConfidence(0.456)).toBe('0.45');
    expect(formatConfidence(0)).toBe('0.00');
  });
});
