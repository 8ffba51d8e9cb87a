import type { Provenance } from '../domain/context-item.ts';

/** Room for the memory issue: one storage domain, one small port. */
export interface MemoryItem {
  readonly id: string;
  readonly scope: string;
  readonly kind: 'fact' | 'decision' | 'preference' | 'episode' | 'document-chunk';
  readonly text: string;
  readonly provenance: Provenance;
  readonly confidence: number;
  readonly tags: readonly string[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly supersededBy?: string;
}

export interface MemoryStore {
  put(item: MemoryItem): Promise<void>;
  get(id: string): Promise<MemoryItem | undefined>;
  /** Full-text search within the given scopes; expired and superseded items excluded. */
  search(query: string, scopes: readonly string[], limit: number): Promise<MemoryItem[]>;
}
