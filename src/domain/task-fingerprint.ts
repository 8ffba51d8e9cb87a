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
 * Identifies equal work: same agent, same normalised request, same project, the same context
 * (by the hash of its manifest) and, for a follow-up, the same conversation ("and in French?"
 * depends on what came before). Equal fingerprints may share one execution or reuse a result.
 */
export function taskFingerprint(input: {
  agent: string;
  text: string;
  projectId?: string;
  contextManifestHash?: string;
  followsRunId?: string;
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        input.agent,
        normalizeTaskText(input.text),
        input.projectId ?? '',
        input.contextManifestHash ?? '',
        // Appended only when set, so fingerprints of other tasks stay as they were.
        ...(input.followsRunId === undefined ? [] : [input.followsRunId]),
      ]),
    )
    .digest('hex');
}
