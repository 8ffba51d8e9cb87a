/** Room for the trust-boundaries issue: actions waiting for a person's yes or no. */
export interface ApprovalRequest {
  readonly id: string;
  readonly runId: string;
  readonly tool: string;
  readonly input: unknown;
  readonly reason: string;
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
  /** Records a decision once; returns false if already decided. */
  decide(id: string, decision: NonNullable<ApprovalRequest['decision']>): Promise<boolean>;
}
