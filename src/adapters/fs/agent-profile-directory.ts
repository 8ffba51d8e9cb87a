import fs from 'node:fs';
import path from 'node:path';
import { parseLocatedDocument } from '../../config/source-problem.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { AgentProfile } from '../../routing/offline-ranker.ts';

const frontMatterPattern = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Reads only what routing needs (name, description, examples, optional title) from a folder of
 * agent files, so `nova route --agents <dir>` works on rosters that are not full Nova agents.
 * A file without those fields is an error naming the file and the field.
 */
export function loadAgentProfiles(directory: string): Array<AgentProfile & { title?: string }> {
  let entries: string[];
  try {
    entries = fs
      .readdirSync(directory)
      .filter((entry) => entry.endsWith('.md'))
      .sort();
  } catch (error) {
    throw new NovaError(
      'BAD_REQUEST',
      `cannot read the agents folder ${directory}: ${(error as Error).message}`,
    );
  }
  if (entries.length === 0) throw new NovaError('BAD_REQUEST', `no agent files (*.md) in ${directory}`);
  return entries.map((entry) => {
    const file = path.join(directory, entry);
    const text = fs.readFileSync(file, 'utf8');
    const match = frontMatterPattern.exec(text);
    const document = match ? parseLocatedDocument(match[1] ?? '', 2) : undefined;
    const value = document?.value as Record<string, unknown> | undefined;
    if (!value || typeof value !== 'object') {
      throw new NovaError('CONFIG_INVALID', `${file}:1: missing or unreadable YAML front matter`);
    }
    const name = typeof value.name === 'string' ? value.name : path.basename(entry, '.md');
    if (typeof value.description !== 'string' || value.description.trim() === '') {
      throw new NovaError(
        'CONFIG_INVALID',
        `${file}:${document?.lineOf(['description']) ?? 1}: description: must be a non-empty string`,
      );
    }
    const examples = value.examples;
    if (!Array.isArray(examples) || examples.some((example) => typeof example !== 'string')) {
      throw new NovaError(
        'CONFIG_INVALID',
        `${file}:${document?.lineOf(['examples']) ?? 1}: examples: must be a list of strings`,
      );
    }
    return {
      name,
      description: value.description,
      examples: examples as string[],
      ...(typeof value.title === 'string' ? { title: value.title } : {}),
    };
  });
}
