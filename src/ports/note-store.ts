/** Nova's notebook: short notes agents and the owner keep. One storage domain, one port. */
export interface Note {
  readonly id: string;
  readonly text: string;
  readonly tags: readonly string[];
  readonly projectId?: string;
  /** Agent name, or `owner`. */
  readonly author: string;
  readonly runId?: string;
  readonly createdAt: string;
  /** A second `add` with the same key stores nothing and returns the first note. */
  readonly idempotencyKey?: string;
  /** Written by a run that had read untrusted content: whoever reads it is tainted too. */
  readonly untrustedSources?: readonly string[];
}

/**
 * Contract: `add` is durable when it resolves; `search` ranks by relevance (full-text) and
 * returns at most `limit` notes, empty for no match; a query of only punctuation matches nothing
 * rather than failing.
 */
export interface NoteStore {
  /** Stores the note and returns it, or returns the note already stored under its idempotency key. */
  add(note: Note): Promise<Note>;
  search(query: string, options: { readonly limit: number; readonly projectId?: string }): Promise<Note[]>;
  list(options: { readonly limit: number; readonly projectId?: string }): Promise<Note[]>;
}
