import type { TokenUsage } from '../domain/usage.ts';

/** USD per 1,000,000 tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

/** The price of a model, or `undefined` when it is not known (its cost shows as unknown). */
export type PriceLookup = (modelId: string) => ModelPrice | undefined;

/**
 * List prices of a few well-known models (USD per 1M tokens; check your provider's page, and
 * override or extend them in `models.prices`). A dated version (`…-2024-08-06`) takes the
 * price of its base name.
 */
export const builtinModelPrices: Readonly<Record<string, ModelPrice>> = {
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'anthropic:claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  'anthropic:claude-3-5-haiku': { input: 0.8, output: 4 },
  'anthropic:claude-sonnet-4': { input: 3, output: 15 },
  'anthropic:claude-opus-4': { input: 15, output: 75 },
  'google:gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'google:gemini-2.5-pro': { input: 1.25, output: 10 },
};

/** Models served on your own machine cost nothing per token. */
const localProviders = new Set(['ollama', 'lmstudio', 'llamacpp', 'vllm', 'scripted']);

/** Configured prices first, then the built-in ones; local providers are free; else unknown. */
export function createPriceLookup(configured: Readonly<Record<string, ModelPrice>> = {}): PriceLookup {
  const table = { ...builtinModelPrices, ...configured };
  return (modelId) => {
    const exact = table[modelId];
    if (exact) return exact;
    // `anthropic:claude-sonnet-4-20250514` → `anthropic:claude-sonnet-4`; `gpt-4o-mini` is not `gpt-4o`.
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (modelId.startsWith(`${key}-`) && /^\d/.test(modelId.slice(key.length + 1))) {
        if (best === undefined || key.length > best.length) best = key;
      }
    }
    if (best !== undefined) return table[best];
    const provider = modelId.slice(0, modelId.indexOf(':'));
    return localProviders.has(provider) ? { input: 0, output: 0 } : undefined;
  };
}

/** Estimated cost in USD, or `null` when the model's price is unknown. */
export function estimateCostUsd(usage: TokenUsage, price: ModelPrice | undefined): number | null {
  if (!price) return null;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
