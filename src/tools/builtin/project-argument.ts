import { z } from 'zod';

/** The optional `project` argument every project tool takes. */
export const projectArgument = z
  .string()
  .min(1)
  .optional()
  .describe("project id; defaults to the task's project, or the only project this agent may access");
