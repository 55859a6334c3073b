/**
 * Rows of the queue (`etl_job_run`) as the code sees them. A run moves through
 *
 *   queued ──claim──▶ running ──succeed──▶ success ──revisit / force──▶ queued
 *                       │  ▲
 *                       │  └── claim again when its lease expired (worker lost), attempt + 1
 *                       ├──fail──▶ failed (run_after = now + backoff) ──claim──▶ running
 *                       ├──fail (attempts exhausted or PermanentError)──▶ dead ──force──▶ queued
 *                       └──release (graceful shutdown)──▶ queued, attempt − 1
 *
 * Each arrow is one module of src/queue/ with its statement in a sibling .sql file. Every outcome
 * write matches the claimer (`locked_by` and `attempt`), so a worker that lost its lease can never
 * overwrite the run of the worker that took it over.
 */
export type RunStatus = 'queued' | 'running' | 'success' | 'failed' | 'dead';
export type CircuitState = 'closed' | 'open' | 'half_open';

/** A window this worker holds: the claim token (`runId`, `workerId`, `attempt`) proves ownership. */
export interface ClaimedRun {
  runId: number;
  job: string;
  tenantId: number;
  from: number;
  to: number;
  attempt: number;
  maxAttempts: number;
  workerId: string;
  /** Claimed as the single probe of a half-open circuit. */
  probe: boolean;
  leaseUntil: number;
}

/** Retry policy of a job (all durations in ms). */
export interface RetryPolicy {
  /** Total attempts of a window, the first included. */
  attempts: number;
  /** Delay after the first failure. */
  base: number;
  /** Growth of the delay per further failure. */
  factor: number;
  /** Cap of the delay. */
  max: number;
}

export interface CircuitPolicy {
  /** Consecutive failures of a (job, tenant) that open its circuit. */
  failures: number;
  /** How long an open circuit stays open before one probe may run. */
  cooldown: number;
}
