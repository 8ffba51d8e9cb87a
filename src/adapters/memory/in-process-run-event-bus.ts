import { EventEmitter } from 'node:events';
import type { RunEvent } from '../../domain/run-event.ts';
import type { RunEventBus } from '../../ports/run-event-bus.ts';

export class InProcessRunEventBus implements RunEventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Many SSE clients may follow one run.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: RunEvent): void {
    this.#emitter.emit(event.runId, event);
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.#emitter.on(runId, listener);
    return () => this.#emitter.off(runId, listener);
  }
}
