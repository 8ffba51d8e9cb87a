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
}

/**
 * Contract: `add` is durable when it resolves; `search` ranks by relevance (full-text) and
 * returns at most `limit` notes, empty for no match; a query of only punctuation matches nothing
 * rather than failing.
 */
export interface NoteStore {
  add(note: Note): Promise<void>;
  search(query: string, options: { readonly limit: number; readonly projectId?: string }): Promise<Note[]>;
  list(options: { readonly limit: number; readonly projectId?: string }): Promise<Note[]>;
}
