import type { Queryable } from '../db/types.js';
import { iso, ms, queueSql } from './sql-file.js';
import type { CircuitPolicy, CircuitState, ClaimedRun } from './types.js';

export interface FailRequest {
  error: string;
  /** A PermanentError: retrying cannot help, the run goes straight to dead. */
  permanent: boolean;
  /** When the run may be claimed again if it is retried (now + retryDelay). */
  runAfter: number;
  /** Our own database failed (not the job's source or data): the circuit does not count it. */
  infrastructure?: boolean;
  circuit: CircuitPolicy;
  now: number;
}

export interface FailResult {
  status: 'failed' | 'dead';
  runAfter: number | null;
  circuit: CircuitState;
  previousCircuit: CircuitState | null;
  consecutiveFailures: number;
  circuitRetryAt: number | null;
}

/** Longest error text kept on the row (stack traces of deep causes can be huge). */
const MAX_ERROR = 4_000;

/** Records a failed attempt; returns null when this worker no longer owns the run. */
export async function markFailed(db: Queryable, run: ClaimedRun, req: FailRequest): Promise<FailResult | null> {
  const r = await db.query<{
    status: 'failed' | 'dead';
    run_after: Date | null;
    circuit: CircuitState;
    consecutive_failures: number;
    circuit_retry_at: Date | null;
    previous_circuit: CircuitState | null;
  }>(queueSql('fail'), [
    run.runId,
    run.workerId,
    run.attempt,
    iso(req.now),
    req.error.slice(0, MAX_ERROR),
    req.permanent,
    iso(req.runAfter),
    req.circuit.failures,
    req.circuit.cooldown,
    req.infrastructure ?? false,
  ]);
  const row = r.rows[0];
  if (!row) return null;
  return {
    status: row.status,
    runAfter: row.status === 'failed' ? ms(row.run_after) : null,
    circuit: row.circuit,
    previousCircuit: row.previous_circuit,
    consecutiveFailures: row.consecutive_failures,
    circuitRetryAt: ms(row.circuit_retry_at),
  };
}
