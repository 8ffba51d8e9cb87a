/** Limits on one run (and, with delegation, on the tree below it). */
export interface Budget {
  /** Model turns plus tool calls. */
  readonly maxSteps: number;
  /** Input plus output tokens over all model calls. */
  readonly maxTokens: number;
  readonly maxWallTimeMs: number;
  /** How many invalid tool calls in a row are fed back to the model before the run fails. */
  readonly maxToolErrors: number;
  /** Estimated model cost in USD (from the model's price); unlimited when absent. */
  readonly maxCostUsd?: number;
}

export const defaultBudget: Budget = {
  maxSteps: 40,
  maxTokens: 200_000,
  maxWallTimeMs: 10 * 60_000,
  maxToolErrors: 3,
};

/** Overlays a partial budget on a base; the stricter value wins where both are set. */
export function tightenBudget(base: Budget, override: Partial<Budget> | undefined): Budget {
  if (!override) return base;
  return {
    maxSteps: Math.min(base.maxSteps, override.maxSteps ?? Infinity),
    maxTokens: Math.min(base.maxTokens, override.maxTokens ?? Infinity),
    maxWallTimeMs: Math.min(base.maxWallTimeMs, override.maxWallTimeMs ?? Infinity),
    maxToolErrors: Math.min(base.maxToolErrors, override.maxToolErrors ?? Infinity),
    ...(base.maxCostUsd === undefined && override.maxCostUsd === undefined
      ? {}
      : { maxCostUsd: Math.min(base.maxCostUsd ?? Infinity, override.maxCostUsd ?? Infinity) }),
  };
}
