/**
 * Removes the clauses of a description that say what an agent does NOT do ("it reviews; it does
 * not triage bug reports"). Left in, their words would teach the ranker the opposite of what they
 * say: the code reviewer would attract bug triage.
 */
export function stripNegatedClauses(text: string): string {
  return text.replace(
    /[^.;:!?]*\b(?:does not|doesn't|do not|don't|never|not for|instead of)\b[^.;!?]*[.;!?]?/gi,
    ' ',
  );
}
