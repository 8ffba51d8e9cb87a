/**
 * The one error type of Nova. `code` is a closed list; each interface maps it once
 * (HTTP status in `interfaces/http`, exit code in `interfaces/cli`). Expected outcomes
 * (a clarification, a validation failure fed back to an agent) are values, not NovaErrors.
 */
export const novaErrorCodes = [
  'BAD_REQUEST', // the caller's input is malformed or invalid
  'UNAUTHORIZED', // missing or wrong credentials
  'FORBIDDEN', // a policy refused the action
  'NOT_FOUND', // a named thing (agent, run, project, file) does not exist
  'CONFLICT', // the action clashes with the current state
  'PAYLOAD_TOO_LARGE',
  'CONFIG_INVALID', // the config file or an agent file is broken
  'MODEL_NOT_CONFIGURED', // a command needs a model and none is configured
  'MODEL_ERROR', // the model provider failed (after retries and fallback)
  'TOOL_ERROR', // a tool failed in a way that ends the run
  'BUDGET_EXCEEDED', // steps, tokens or wall time ran out
  'OUTPUT_INVALID', // an agent's answer kept breaking its output contract
  'APPROVAL_REQUIRED', // the run stopped at an action that waits for a person's approval
  'CANCELLED',
  'TIMEOUT',
  'STORAGE_ERROR', // the journal or another store failed
  'INTERNAL', // a bug in Nova
] as const;

export type NovaErrorCode = (typeof novaErrorCodes)[number];

export type NovaErrorDetails = Record<string, unknown>;

export class NovaError extends Error {
  override readonly name = 'NovaError';
  readonly code: NovaErrorCode;
  readonly details: NovaErrorDetails;

  constructor(
    code: NovaErrorCode,
    message: string,
    options: { details?: NovaErrorDetails; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  static is(value: unknown, code?: NovaErrorCode): value is NovaError {
    return value instanceof NovaError && (code === undefined || value.code === code);
  }

  toJSON(): { code: NovaErrorCode; message: string; details: NovaErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Wraps anything thrown into a NovaError, keeping NovaErrors as they are. */
export function toNovaError(error: unknown, fallbackCode: NovaErrorCode = 'INTERNAL'): NovaError {
  if (error instanceof NovaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NovaError(fallbackCode, message, { cause: error });
}
