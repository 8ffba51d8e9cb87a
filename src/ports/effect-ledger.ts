/**
 * Side effects by idempotency key, recorded before a side-effecting tool call runs and after it
 * ends, so a resumed run never repeats one that finished.
 */
export interface EffectRecord {
  readonly key: string;
  readonly runId: string;
  readonly tool: string;
  readonly input: unknown;
  readonly status: 'started' | 'succeeded' | 'failed';
  readonly output?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
}

/**
 * Contract (`effect-ledger.contract.ts`): `begin` is atomic: it records a new key as started and
 * returns undefined, or returns the existing record unchanged (never a second `started` for one key).
 */
export interface EffectLedger {
  begin(record: Omit<EffectRecord, 'status' | 'output' | 'endedAt'>): Promise<EffectRecord | undefined>;
  finish(
    key: string,
    completion: { status: 'succeeded' | 'failed'; output: string; endedAt: string },
  ): Promise<void>;
  get(key: string): Promise<EffectRecord | undefined>;
}
