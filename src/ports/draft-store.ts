/** An e-mail an agent drafted for the owner to send; Nova never sends it. */
export interface EmailDraft {
  readonly id: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly projectId?: string;
  readonly createdAt: string;
  /** The agent (or `owner`) and run that wrote it. */
  readonly createdBy: string;
  readonly runId?: string;
  /** Untrusted sources behind the run that wrote it: check it with more care before sending. */
  readonly untrustedSources?: readonly string[];
}

export interface DraftStore {
  /** Adds a draft; CONFLICT when the id exists. */
  create(draft: EmailDraft): Promise<void>;
  get(id: string): Promise<EmailDraft | undefined>;
  /** Newest first. */
  list(limit?: number): Promise<EmailDraft[]>;
}
