import type { Queryable } from '../db/types.js';
import { LeaseLostError } from './errors.js';
import { iso, queueSql } from './sql-file.js';
import type { CircuitState, ClaimedRun } from './types.js';

export interface SucceedResult {
  /** The circuit's state before this success closed it (null: it was already closed and clean). */
  previousCircuit: CircuitState | null;
}

/**
 * Marks `run` success; call it as the last statement of the job's write transaction. Throws
 * LeaseLostError when this worker no longer owns the run, which rolls the transaction back.
 */
export async function markSuccess(
  tx: Queryable,
  run: ClaimedRun,
  stats: Record<string, unknown>,
  now: number,
): Promise<SucceedResult> {
  const r = await tx.query<{ updated: number; previous_circuit: CircuitState | null }>(queueSql('succeed'), [
    run.runId,
    run.workerId,
    run.attempt,
    iso(now),
    JSON.stringify(stats),
  ]);
  const row = r.rows[0];
  if (!row || row.updated !== 1) throw new LeaseLostError(run.runId);
  return { previousCircuit: row.previous_circuit };
}
