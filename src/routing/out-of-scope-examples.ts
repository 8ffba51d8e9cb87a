import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../domain/nova-error.ts';

/** The shipped requests no agent of a work roster should take (see the file's header). */
export const defaultOutOfScopeFile = path.resolve(import.meta.dirname, '../../data/routing/out-of-scope.txt');

/** Parses an out-of-scope examples file: one request per line; blank lines and `#` comments skipped. */
export function parseOutOfScopeExamples(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const loaded = new Map<string, readonly string[]>();

/** Reads an out-of-scope examples file once per process. */
export function loadOutOfScopeExamples(file = defaultOutOfScopeFile): readonly string[] {
  const resolved = path.resolve(file);
  const cached = loaded.get(resolved);
  if (cached) return cached;
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new NovaError(
      'CONFIG_INVALID',
      `cannot read out-of-scope examples at ${resolved}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const examples = parseOutOfScopeExamples(text);
  loaded.set(resolved, examples);
  return examples;
}
