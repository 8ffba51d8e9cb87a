import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { NovaError } from '../domain/nova-error.ts';
import type { AgentProfile } from './agent-profile.ts';

/**
 * Reads `<directory>/*.md` and returns each agent's routing profile from its YAML front matter.
 * The only file I/O in `src/routing/`: tests and the benchmark use it until the agent catalog
 * hands profiles to the router directly. Files are read in name order so training is reproducible.
 */
export function loadAgentProfiles(directory: string): AgentProfile[] {
  const files = fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.md'))
    .sort();
  return files.map((file) =>
    parseProfile(fs.readFileSync(path.join(directory, file), 'utf8'), path.join(directory, file)),
  );
}

function parseProfile(text: string, file: string): AgentProfile {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === '---');
  const end = start < 0 ? -1 : lines.findIndex((line, index) => index > start && line.trim() === '---');
  if (start !== 0 || end < 0) {
    throw new NovaError(
      'CONFIG_INVALID',
      `${file}: expected YAML front matter between two \`---\` lines at the top of the file`,
      {
        details: { file },
      },
    );
  }
  const frontMatter: unknown = parse(lines.slice(start + 1, end).join('\n'));
  const record =
    typeof frontMatter === 'object' && frontMatter !== null ? (frontMatter as Record<string, unknown>) : {};
  const { name, description, examples } = record;
  if (typeof name !== 'string' || name.length === 0) throw invalid(file, 'name', 'a non-empty string');
  if (typeof description !== 'string' || description.length === 0)
    throw invalid(file, 'description', 'a non-empty string');
  if (!Array.isArray(examples) || !examples.every((example) => typeof example === 'string')) {
    throw invalid(file, 'examples', 'a list of example requests (strings)');
  }
  const instructions = lines
    .slice(end + 1)
    .join('\n')
    .trim();
  return {
    name,
    description,
    examples: examples.map((example) => String(example)),
    ...(instructions.length > 0 ? { instructions } : {}),
  };
}

function invalid(file: string, field: string, expected: string): NovaError {
  return new NovaError('CONFIG_INVALID', `${file}: front matter field \`${field}\` must be ${expected}`, {
    details: { file, field },
  });
}
