import { createHash } from 'node:crypto';

/** The request text as it matters for "is this the same task": case, spacing and end punctuation aside. */
export function normalizeTaskText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?]+$/u, '');
}

/**
 * Identifies equal work: same agent, same normalised request, same project and the same context
 * (by the hash of its manifest). Equal fingerprints may share one execution or reuse a result.
 */
export function taskFingerprint(input: {
  agent: string;
  text: string;
  projectId?: string;
  contextManifestHash?: string;
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        input.agent,
        normalizeTaskText(input.text),
        input.projectId ?? '',
        input.contextManifestHash ?? '',
      ]),
    )
    .digest('hex');
}
