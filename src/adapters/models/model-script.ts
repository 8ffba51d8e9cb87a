import fs from 'node:fs';
import { z } from 'zod';
import { NovaError } from '../../domain/nova-error.ts';

const scriptedToolCallSchema = z
  .object({
    name: z.string().min(1),
    /** Arguments as an object; the model sends them as JSON. */
    args: z.record(z.string(), z.unknown()).optional(),
    /** Raw argument text, sent as is: lets a script send malformed JSON. */
    argsText: z.string().optional(),
  })
  .strict()
  .refine((call) => call.args === undefined || call.argsText === undefined, {
    message: 'give either "args" (an object) or "argsText" (raw text), not both',
  });

const scriptedErrorSchema = z
  .object({ status: z.number().int().min(400).max(599), message: z.string() })
  .strict();

const scriptedUsageSchema = z
  .object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
  .strict();

export const scriptedResponseSchema = z
  .object({
    text: z.string().optional(),
    toolCalls: z.array(scriptedToolCallSchema).optional(),
    /** Waits this long before answering; a cancelled call stops waiting. */
    delayMs: z.number().int().min(0).max(3_600_000).optional(),
    /** Fails the call with this HTTP status, as a provider would. */
    error: scriptedErrorSchema.optional(),
    /** Token counts to report; without them the model estimates (about 4 characters a token). */
    usage: scriptedUsageSchema.optional(),
  })
  .strict()
  .refine(
    (response) => response.error === undefined || (response.text === undefined && !response.toolCalls),
    { message: 'a response with "error" fails the call, so it cannot also have "text" or "toolCalls"' },
  );

const scriptCaseSchema = z
  .object({
    /** Which runs play this case: the agent's name, and/or text the task contains. */
    when: z
      .object({ agent: z.string().min(1).optional(), contains: z.string().min(1).optional() })
      .strict()
      .refine((when) => when.agent !== undefined || when.contains !== undefined, {
        message: 'give "agent" or "contains" (or both)',
      }),
    responses: z.array(scriptedResponseSchema).min(1, 'a case needs at least one response'),
    loop: z.boolean().default(false),
  })
  .strict();

export const modelScriptSchema = z
  .object({
    /**
     * Played in order, one per model call of a run: the n-th call of a conversation gets the n-th
     * response, so each run (and a resumed run) starts again at the first.
     */
    responses: z.array(scriptedResponseSchema).min(1, 'a script needs at least one response'),
    /** Start again at the first response after the last, instead of failing. */
    loop: z.boolean().default(false),
    /**
     * Responses for particular runs (one script for a whole pipeline): the first case whose
     * `when` matches the run is played instead of `responses`.
     */
    cases: z.array(scriptCaseSchema).default([]),
  })
  .strict();

/** One scripted model turn. */
export type ScriptedResponse = z.input<typeof scriptedResponseSchema>;
/** A script as written (`loop` may be left out). */
export type ModelScript = z.input<typeof modelScriptSchema>;

/** Field names allowed at a JSON path, for "unknown field" messages. */
function allowedFieldsAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  const names = path.map((segment) => (typeof segment === 'number' ? '#' : String(segment))).join('.');
  const shapes: Record<string, z.ZodRawShape> = {
    '': modelScriptSchema.shape,
    'responses.#': scriptedResponseSchema.shape,
    'cases.#': scriptCaseSchema.shape,
    'cases.#.responses.#': scriptedResponseSchema.shape,
    'responses.#.toolCalls.#': scriptedToolCallSchema.shape,
    'responses.#.error': scriptedErrorSchema.shape,
    'responses.#.usage': scriptedUsageSchema.shape,
  };
  const shape = shapes[names];
  return shape ? Object.keys(shape) : undefined;
}

/** `responses[0].toolCalls[1].args`, the way a reader finds the spot in the file. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatJsonPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedFieldsAt(issue.path);
    const fields = issue.keys.map((key) => `"${key}"`).join(', ');
    return `${where}: unknown field ${fields}${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`;
  }
  return `${where}: ${issue.message}`;
}

/**
 * Validates a script given as a value; `source` names it in messages (a file path, or a
 * description such as "the test script").
 */
export function parseScript(raw: unknown, source: string): z.output<typeof modelScriptSchema> {
  const parsed = modelScriptSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(describeIssue);
  throw new NovaError(
    'CONFIG_INVALID',
    `model script ${source} is invalid: ${problems.join('; ')}. A script looks like ` +
      '{"responses": [{"toolCalls": [{"name": "notes_search", "args": {"query": "welcome"}}]}, {"text": "Hello!"}]}',
    { details: { path: source, problems } },
  );
}

/**
 * Reads and validates a script file (see examples/hello.json). Problems are CONFIG_INVALID and
 * name the file and the JSON path of each problem.
 */
export function loadScript(file: string): z.output<typeof modelScriptSchema> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new NovaError('CONFIG_INVALID', `cannot read model script ${file}: ${reason}`, {
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
      { details: { path: file } },
    );
  }
  return parseScript(raw, file);
}
