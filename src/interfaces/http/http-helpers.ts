import { describeIssues } from '../../domain/describe-issues.ts';
import type { Context } from 'hono';
import type { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';

export function zodProblems(error: z.ZodError): string {
  return describeIssues(error.issues, 'body');
}

export async function readJson(context: Context): Promise<unknown> {
  const type = context.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new NovaError(
      'BAD_REQUEST',
      `send the body as JSON with "Content-Type: application/json" (got "${type || 'none'}")`,
    );
  }
  try {
    return await context.req.json();
  } catch {
    throw new NovaError('BAD_REQUEST', 'the body is not valid JSON');
  }
}
