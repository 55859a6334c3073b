import type { JobResult } from '../jobs/job.js';
import type { CircuitState, ClaimedRun } from '../queue/types.js';

/**
 * Everything the scheduler and the runner report, in one typed map. Metrics (`/metrics`), the
 * backfill progress bar and tests subscribe here; a listener that throws is logged and ignored, it
 * can never break the worker loop.
 */
export interface RunnerEventMap {
  'scheduler:tick': { enqueued: number; revisits: number; expired: number; durationMs: number };
  'scheduler:enqueued': { job: string; tenantId: number; count: number };
  'run:claimed': { run: ClaimedRun };
  'run:succeeded': { run: ClaimedRun; result: JobResult; durationMs: number };
  'run:failed': { run: ClaimedRun; error: Error; runAfter: number; durationMs: number };
  'run:dead': { run: ClaimedRun; error: Error; durationMs: number };
  /** The worker lost the run (lease taken over or already ended): nothing was recorded by it. */
  'run:lost': { run: ClaimedRun; reason: string };
  'run:released': { run: ClaimedRun };
  'circuit:opened': { job: string; tenantId: number; retryAt: number | null; failures: number };
  'circuit:half_open': { job: string; tenantId: number; runId: number };
  'circuit:closed': { job: string; tenantId: number; previous: CircuitState };
  /** Recording an outcome failed: the queue may be inconsistent, the worker pool stops. */
  'runner:fatal': { error: Error };
  'runner:stopped': { released: number };
  'listener:error': { event: string; error: unknown };
}

export type RunnerEventName = keyof RunnerEventMap;
type Listener<K extends RunnerEventName> = (payload: RunnerEventMap[K]) => void;

export class RunnerEvents {
  readonly #listeners = new Map<RunnerEventName, Set<(payload: never) => void>>();

  on<K extends RunnerEventName>(event: K, fn: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(fn as (payload: never) => void);
    return () => set.delete(fn as (payload: never) => void);
  }

  /** Calls every listener; a throwing listener is reported as `listener:error` and skipped. */
  emit<K extends RunnerEventName>(event: K, payload: RunnerEventMap[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as Listener<K>)(payload);
      } catch (error) {
        if (event !== 'listener:error') this.emit('listener:error', { event, error });
      }
    }
  }
}
