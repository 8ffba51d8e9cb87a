import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { NovaErrorCode } from '../../domain/nova-error.ts';

/** The HTTP status for each error code; the one place the API decides it. */
export const httpStatuses: Record<NovaErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  CONFIG_INVALID: 422,
  MODEL_NOT_CONFIGURED: 503,
  MODEL_ERROR: 502,
  TOOL_ERROR: 500,
  BUDGET_EXCEEDED: 429,
  APPROVAL_REQUIRED: 409,
  OUTPUT_INVALID: 502,
  CANCELLED: 409,
  TIMEOUT: 504,
  STORAGE_ERROR: 500,
  INTERNAL: 500,
};
