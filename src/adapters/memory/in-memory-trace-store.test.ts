import { traceStoreContract } from '../../ports/trace-store.contract.ts';
import { InMemoryTraceStore } from './in-memory-trace-store.ts';

traceStoreContract('in memory', async () => ({
  store: new InMemoryTraceStore(),
  cleanup: async () => undefined,
}));
