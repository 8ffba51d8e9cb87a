import fs from 'node:fs';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';

const scriptedToolCall = z
  .object({
    name: z.string().min(1),
    /** Arguments as an object; sent to the model client as JSON. */
    args: z.record(z.string(), z.unknown()).optional(),
    /** Raw argument text, sent as is: lets a script send malformed JSON. */
    argsText: z.string().optional(),
  })
  .strict();

export const scriptedResponseSchema = z
  .object({
    text: z.string().optional(),
    toolCalls: z.array(scriptedToolCall).optional(),
    /** Waits this long before answering (honours cancellation). */
    delayMs: z.number().int().min(0).max(3_600_000).optional(),
    /** Fails the call with this HTTP status, as a provider would. */
    error: z
      .object({ status: z.number().int().min(400).max(599), message: z.string() })
      .strict()
      .optional(),
    usage: z
      .object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
      .strict()
      .optional(),
  })
  .strict();

export const modelScriptSchema = z
  .object({
    /** Played in order, one per model call; each run starts again at the first. */
    responses: z.array(scriptedResponseSchema).min(1, 'a script needs at least one response'),
    /** Start again at the first response after the last instead of failing. */
    loop: z.boolean().default(false),
  })
  .strict();

export type ScriptedResponse = z.infer<typeof scriptedResponseSchema>;
export type ModelScript = z.infer<typeof modelScriptSchema>;

/** Reads and validates a script file; problems name the file and the JSON path. */
export function loadModelScript(file: string): ModelScript {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new NovaError('CONFIG_INVALID', `cannot read model script ${file}: ${(error as Error).message}`, {
      details: { path: file },
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NovaError(
      'CONFIG_INVALID',
      `model script ${file} is not valid JSON: ${(error as Error).message}`,
      {
        details: { path: file },
      },
    );
  }
  const parsed = modelScriptSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new NovaError('CONFIG_INVALID', `model script ${file} is invalid: ${problems.join('; ')}`, {
      details: { path: file, problems },
    });
  }
  return parsed.data;
}
