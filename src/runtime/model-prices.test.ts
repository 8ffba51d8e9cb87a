import { describe, expect, it } from 'vitest';
import { createPriceLookup, estimateCostUsd } from './model-prices.ts';

describe('model prices', () => {
  const lookup = createPriceLookup({ 'openrouter:my/model': { input: 1, output: 2 } });

  it('estimates cost from built-in prices, dated versions included', () => {
    expect(
      estimateCostUsd({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, lookup('openai:gpt-4o-mini')),
    ).toBeCloseTo(0.75);
    expect(lookup('anthropic:claude-sonnet-4-20250514')).toEqual({ input: 3, output: 15 });
    expect(lookup('openai:gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
  });

  it('does not give a different model the price of a shorter name', () => {
    expect(lookup('openai:gpt-4o-audio-preview')).toBeUndefined();
  });

  it('uses configured prices and treats local models as free', () => {
    expect(
      estimateCostUsd({ inputTokens: 500_000, outputTokens: 250_000 }, lookup('openrouter:my/model')),
    ).toBe(1);
    expect(estimateCostUsd({ inputTokens: 10, outputTokens: 10 }, lookup('ollama:llama3.1'))).toBe(0);
  });

  it('returns null for an unknown model', () => {
    expect(
      estimateCostUsd({ inputTokens: 10, outputTokens: 10 }, lookup('openai:some-future-model')),
    ).toBeNull();
  });
});
