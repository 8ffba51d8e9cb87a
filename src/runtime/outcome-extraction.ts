import type { Assumption, Outcome } from '../domain/outcome.ts';

/**
 * What an answer says beyond its output: the assumptions it rests on, its confidence and its
 * open questions. Agents state them in JSON answers as fields (`assumptions`, `confidence`,
 * `openQuestions`) and in text answers as sections:
 *
 *   Assumptions:
 *   - the invoice dates are in UTC
 *   Open questions:
 *   - which warehouse is the default?
 *   Confidence: 0.7
 *
 * Each assumption gets an id (`<run>.a<n>`) so lineage, blame and refute can point at it.
 */

const sectionHeading =
  /^\s*(?:#+\s*|\*\*)?(assumptions|open questions|confidence)\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*(.*)$/i;
const bullet = /^\s*(?:[-*•]|\d+[.)])\s+(.*\S)\s*$/;

function texts(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((element) => {
      if (typeof element === 'string') return element;
      if (
        element !== null &&
        typeof element === 'object' &&
        typeof (element as { text?: unknown }).text === 'string'
      ) {
        return (element as { text: string }).text;
      }
      return undefined;
    })
    .filter((text): text is string => text !== undefined && text.trim().length > 0)
    .map((text) => text.trim());
}

function parseConfidence(value: unknown): number | undefined {
  const number =
    typeof value === 'string'
      ? Number.parseFloat(value.replace('%', '')) / (value.includes('%') ? 100 : 1)
      : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 && number <= 1
    ? number
    : undefined;
}

function fromText(text: string): { assumptions: string[]; openQuestions: string[]; confidence?: number } {
  const assumptions: string[] = [];
  const openQuestions: string[] = [];
  let confidence: number | undefined;
  let section: 'assumptions' | 'open questions' | undefined;
  for (const line of text.split('\n')) {
    const heading = sectionHeading.exec(line);
    if (heading) {
      const name = (heading[1] ?? '').toLowerCase() as 'assumptions' | 'open questions' | 'confidence';
      if (name === 'confidence') {
        confidence = parseConfidence((heading[2] ?? '').trim()) ?? confidence;
        section = undefined;
      } else section = name;
      continue;
    }
    if (!section) continue;
    const item = bullet.exec(line);
    if (item?.[1]) (section === 'assumptions' ? assumptions : openQuestions).push(item[1]);
    else if (line.trim().length > 0) section = undefined;
  }
  return { assumptions, openQuestions, ...(confidence === undefined ? {} : { confidence }) };
}

export function extractOutcome(input: {
  readonly runId: string;
  /** The answer's text as the model wrote it. */
  readonly text: string;
  /** The validated JSON when the run has an output contract; the text otherwise. */
  readonly output: unknown;
  /** Ids of the context items the run was given; those the answer cites are its evidence. */
  readonly contextIds: readonly string[];
}): Outcome {
  const { runId, text, output, contextIds } = input;
  let stated: { assumptions: string[]; openQuestions: string[]; confidence?: number };
  if (output !== null && typeof output === 'object' && !Array.isArray(output)) {
    const record = output as Record<string, unknown>;
    const confidence = parseConfidence(record.confidence);
    stated = {
      assumptions: texts(record.assumptions),
      openQuestions: texts(record.openQuestions ?? record.open_questions),
      ...(confidence === undefined ? {} : { confidence }),
    };
  } else stated = fromText(text);
  const assumptions: Assumption[] = stated.assumptions.map((assumption, index) => ({
    id: `${runId}.a${index + 1}`,
    text: assumption,
  }));
  return {
    output,
    assumptions,
    evidence: contextIds.filter((id) => text.includes(id)),
    ...(stated.confidence === undefined ? {} : { confidence: stated.confidence }),
    openQuestions: stated.openQuestions,
  };
}
