import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/** One thing wrong (or doubtful) in a file, located well enough for a person to fix it. */
export interface SourceProblem {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export function formatProblem(problem: SourceProblem): string {
  const where = problem.field ? ` ${problem.field}:` : '';
  return `${problem.file}:${problem.line}:${where} ${problem.message}${problem.severity === 'warning' ? ' (warning)' : ''}`;
}

/** A parsed YAML (or JSON, which is YAML) document that can say on which line a field sits. */
export interface LocatedDocument {
  readonly value: unknown;
  /** 1-based line of the field at `path`, or of its nearest existing parent. */
  lineOf(path: readonly PropertyKey[]): number;
  readonly syntaxProblems: ReadonlyArray<{ line: number; message: string }>;
}

export function parseLocatedDocument(text: string, firstLine = 1): LocatedDocument {
  const lineCounter = new LineCounter();
  const document: Document.Parsed = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const toLine = (offset: number): number => lineCounter.linePos(offset).line + firstLine - 1;
  const syntaxProblems = document.errors.map((error) => ({
    line: toLine(error.pos[0]),
    message: error.message.split('\n')[0] ?? error.message,
  }));
  return {
    value: syntaxProblems.length > 0 ? undefined : document.toJS(),
    syntaxProblems,
    lineOf(path) {
      // Walk down as far as the path exists; point at the key of the deepest pair found, so a
      // wrong value and a misspelt key both land on the line a person would edit.
      let node: unknown = document.contents;
      let line = toLine(0);
      for (const key of path) {
        if (!isMap(node) && !(isNode(node) && 'items' in node)) break;
        const items = (node as { items: unknown[] }).items;
        let next: unknown;
        if (isMap(node)) {
          const pair = node.items.find(
            (item) => isPair(item) && isScalar(item.key) && item.key.value === key,
          );
          if (!pair) break;
          const keyRange = isNode(pair.key) ? pair.key.range : undefined;
          if (keyRange) line = toLine(keyRange[0]);
          next = pair.value;
        } else if (typeof key === 'number') {
          next = items[key];
          if (isNode(next) && next.range) line = toLine(next.range[0]);
        } else break;
        node = next;
      }
      return line;
    },
  };
}

/** Turns zod issues into located problems, naming what is allowed where zod says so. */
export function problemsFromZodIssues(
  file: string,
  document: LocatedDocument,
  issues: readonly z.core.$ZodIssue[],
): SourceProblem[] {
  return issues.flatMap((issue): SourceProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        file,
        line: document.lineOf([...issue.path, key]),
        field: [...issue.path, key].join('.'),
        message: 'unknown field; check its spelling',
        severity: 'error',
      }));
    }
    const field = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined$/.test(message))
      message = `is required (${message})`;
    if (issue.code === 'invalid_type' && /expected string, received object$/.test(message)) {
      message += '; a ": " inside an unquoted value makes YAML read it as a mapping: put the value in quotes';
    }
    return [{ file, line: document.lineOf(issue.path), field, message, severity: 'error' }];
  });
}
