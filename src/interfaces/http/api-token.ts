import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NovaError } from '../../domain/nova-error.ts';

/**
 * The API's bearer token: generated on first start, kept in `<dataDir>/api-token` readable by
 * the owner only (0600). A token file others can read is refused rather than used.
 */
export function loadOrCreateApiToken(dataDir: string): { value: string; path: string } {
  const file = path.join(dataDir, 'api-token');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) {
      throw new NovaError(
        'FORBIDDEN',
        `${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\``,
      );
    }
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length >= 32) return { value, path: file };
  } catch (error) {
    if (NovaError.is(error)) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { value, path: file };
}
