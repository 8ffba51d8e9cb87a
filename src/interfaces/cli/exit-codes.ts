import type { NovaErrorCode } from '../../domain/nova-error.ts';

/** The CLI's exit code for each error code; documented in the README. 0 is success. */
export const exitCodes: Record<NovaErrorCode, number> = {
  INTERNAL: 1,
  BAD_REQUEST: 2,
  PAYLOAD_TOO_LARGE: 2,
  CONFIG_INVALID: 3,
  NOT_FOUND: 4,
  MODEL_NOT_CONFIGURED: 5,
  MODEL_ERROR: 6,
  UNAUTHORIZED: 7,
  FORBIDDEN: 7,
  BUDGET_EXCEEDED: 8,
  TOOL_ERROR: 9,
  TIMEOUT: 10,
  STORAGE_ERROR: 11,
  CONFLICT: 12,
  OUTPUT_INVALID: 13,
  APPROVAL_REQUIRED: 21,
  CANCELLED: 130,
};

export function exitCodeFor(code: string): number {
  return (exitCodes as Record<string, number | undefined>)[code] ?? 1;
}

/** `nova ask` stopped to ask which agent should take the task: not an error, but not done either. */
export const clarificationExitCode = 20;
