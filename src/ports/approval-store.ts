/** Room for the trust-boundaries issue: actions waiting for a person's yes or no. */
export interface ApprovalRequest {
  readonly id: string;
  readonly runId: string;
  readonly tool: string;
  readonly input: unknown;
  readonly reason: string;
  /** The agent whose action it is (absent for pipeline approval steps). */
  readonly agent?: string;
  /** Identifies the exact action (its idempotency key), so a resumed run finds the decision. */
  readonly key?: string;
  /** The untrusted content that tainted the run, when that is why approval is needed. */
  readonly sources?: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly decision?: {
    readonly approved: boolean;
    readonly by: string;
    readonly at: string;
    readonly reason?: string;
  };
}

export interface ApprovalStore {
  create(request: ApprovalRequest): Promise<void>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  listPending(): Promise<ApprovalRequest[]>;
  /** The request for an exact action (see `key`), decided or not. */
  findByKey(key: string): Promise<ApprovalRequest | undefined>;
  /** Records a decision once; returns false if already decided. */
  decide(id: string, decision: NonNullable<ApprovalRequest['decision']>): Promise<boolean>;
}
