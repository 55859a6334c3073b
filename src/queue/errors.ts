import { ObserveBridgeError } from '../core/errors.js';

/**
 * The worker no longer owns the run: its lease expired and another worker claimed the window, or
 * the run was released. Thrown by the success write so the job's transaction rolls back and its rows
 * are never written twice.
 */
export class LeaseLostError extends ObserveBridgeError {
  constructor(readonly runId: number) {
    super('lease_lost', `run ${runId}: lease lost (another worker owns this window now); its writes were rolled back`);
  }
}

/** A window ran longer than its job's timeout. Retryable. */
export class RunTimeoutError extends ObserveBridgeError {
  constructor(readonly timeoutMs: number) {
    super('run_timeout', `window timed out after ${timeoutMs} ms`);
  }
}

/** The worker pool is stopping and the run did not finish within the grace period. */
export class ShutdownError extends ObserveBridgeError {
  constructor() {
    super('shutdown', 'worker stopping: run interrupted and its lease released');
  }
}
