import type { RunEvent } from '../domain/run-event.ts';

/** Live run events (in-process by default; Redis pub/sub when scaled out). */
export interface RunEventBus {
  publish(event: RunEvent): void;
  /** Listens to one run's events from now on; returns a function that stops listening. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void;
}
