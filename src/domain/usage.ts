/** Token counts of model calls; summed per run. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export const zeroUsage: TokenUsage = { inputTokens: 0, outputTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

export function totalTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.outputTokens;
}
