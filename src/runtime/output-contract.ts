import { Ajv, type ValidateFunction } from 'ajv';

export type ContractCheck =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: readonly string[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

/** Compiles (once per distinct schema) a JSON Schema; throws with ajv's reason when it is not one. */
export function compileContract(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** The JSON in a model's answer: the whole text, or a ```json fenced block, or the outermost {…} / […]. */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  if (fenced?.[1]) candidates.push(fenced[1].trim());
  const start = text.search(/[{[]/);
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  let lastError = 'no JSON found';
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  return { ok: false, error: lastError };
}

/** Parses an answer and checks it against its output contract; problems are phrased for the model. */
export function checkAgainstContract(text: string, schema: Record<string, unknown>): ContractCheck {
  const parsed = extractJson(text);
  if (!parsed.ok) return { ok: false, problems: [`the answer is not JSON (${parsed.error})`] };
  const validate = compileContract(schema);
  if (validate(parsed.value)) return { ok: true, value: parsed.value };
  const problems = (validate.errors ?? []).map(
    (error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`,
  );
  return { ok: false, problems: problems.length > 0 ? problems : ['does not match the schema'] };
}
