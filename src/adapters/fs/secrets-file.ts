import fs from 'node:fs';
import { NovaError } from '../../domain/nova-error.ts';

/**
 * Secrets by name from a JSON file (`{"GITHUB_TOKEN": "…"}`) that only its owner may read: a file
 * others can read is refused, with the command that fixes it. A missing file means no secrets.
 */
export function loadSecretsFile(file: string): Record<string, string> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new NovaError(
      'CONFIG_INVALID',
      `cannot read the secrets file ${file}: ${(error as Error).message}`,
    );
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new NovaError(
      'CONFIG_INVALID',
      `the secrets file ${file} can be read by others (mode ${(stat.mode & 0o777).toString(8)}); restrict it: chmod 600 ${file}`,
      { details: { path: file } },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new NovaError(
      'CONFIG_INVALID',
      `the secrets file ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new NovaError(
      'CONFIG_INVALID',
      `the secrets file ${file} must be a JSON object of names to values, e.g. {"GITHUB_TOKEN": "ghp_…"}`,
    );
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new NovaError('CONFIG_INVALID', `secret ${name} in ${file} must be a string`);
    secrets[name] = value;
  }
  return secrets;
}
