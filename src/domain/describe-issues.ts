/**
 * Validation problems (zod's `error.issues`) as one line: `path: message; path: message`, with
 * `root` naming the value itself when a problem has no path (`body`, `(arguments)`, `input`).
 */
export function describeIssues(
  issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>,
  root: string,
): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : root}: ${issue.message}`)
    .join('; ');
}
