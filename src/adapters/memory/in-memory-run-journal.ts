import { NovaError } from '../../domain/nova-error.ts';
import type { Run } from '../../domain/run.ts';
import type { Step } from '../../domain/step.ts';
import type { RunCompletion, RunFilter, RunJournal, StepCompletion } from '../../ports/run-journal.ts';

/** A journal that lives and dies with the process: for tests and throwaway runs. */
export class InMemoryRunJournal implements RunJournal {
  readonly #runs = new Map<string, Run>();
  readonly #steps = new Map<string, Map<number, Step>>();

  createRun(run: Run): Promise<void> {
    if (this.#runs.has(run.id))
      return Promise.reject(new NovaError('CONFLICT', `run ${run.id} already exists`));
    this.#runs.set(run.id, structuredClone(run));
    this.#steps.set(run.id, new Map());
    return Promise.resolve();
  }

  completeRun(runId: string, completion: RunCompletion): Promise<void> {
    const run = this.#runs.get(runId);
    if (!run) return Promise.reject(new NovaError('NOT_FOUND', `no run ${runId}`));
    this.#runs.set(runId, { ...run, ...structuredClone(completion) });
    return Promise.resolve();
  }

  getRun(runId: string): Promise<Run | undefined> {
    const run = this.#runs.get(runId);
    return Promise.resolve(run ? structuredClone(run) : undefined);
  }

  listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const runs = [...this.#runs.values()]
      .filter((run) => filter.status === undefined || run.status === filter.status)
      .filter((run) => filter.agent === undefined || run.agent === filter.agent)
      .filter((run) => filter.parentRunId === undefined || run.parentRunId === filter.parentRunId)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))
      .slice(0, filter.limit ?? 50);
    return Promise.resolve(structuredClone(runs));
  }

  startStep(step: Step): Promise<void> {
    const steps = this.#steps.get(step.runId);
    if (!steps) return Promise.reject(new NovaError('NOT_FOUND', `no run ${step.runId}`));
    if (steps.has(step.seq)) {
      return Promise.reject(new NovaError('CONFLICT', `run ${step.runId} already has step ${step.seq}`));
    }
    steps.set(step.seq, structuredClone(step));
    return Promise.resolve();
  }

  finishStep(runId: string, seq: number, completion: StepCompletion): Promise<void> {
    const step = this.#steps.get(runId)?.get(seq);
    if (!step) return Promise.reject(new NovaError('NOT_FOUND', `run ${runId} has no step ${seq}`));
    this.#steps.get(runId)?.set(seq, { ...step, ...structuredClone(completion) });
    return Promise.resolve();
  }

  listSteps(runId: string): Promise<Step[]> {
    const steps = [...(this.#steps.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    return Promise.resolve(structuredClone(steps));
  }

  markInterrupted(isOwnerAlive: (owner: string) => boolean, at: string): Promise<string[]> {
    const ids: string[] = [];
    for (const run of this.#runs.values()) {
      if (run.status === 'running' && !isOwnerAlive(run.owner)) {
        this.#runs.set(run.id, { ...run, status: 'interrupted', endedAt: at });
        ids.push(run.id);
      }
    }
    return Promise.resolve(ids);
  }

  findReusable(fingerprint: string, notBefore: string): Promise<Run | undefined> {
    const found = [...this.#runs.values()]
      .filter(
        (run) =>
          run.fingerprint === fingerprint &&
          run.status === 'succeeded' &&
          run.reusedFromRunId === undefined &&
          run.startedAt >= notBefore,
      )
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
    return Promise.resolve(found ? structuredClone(found) : undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
