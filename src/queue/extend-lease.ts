import type { Queryable } from '../db/types.js';
import { iso, queueSql } from './sql-file.js';
import type { ClaimedRun } from './types.js';

/**
 * Extends the leases of `runs` to now + lease. Returns the runs this worker no longer owns.
 * An expired lease that nobody claimed yet is extended: the run is still this worker's, since a
 * claim would have changed its attempt.
 */
export async function extendLeases(
  db: Queryable,
  runs: readonly ClaimedRun[],
  now: number,
  lease: number,
): Promise<ClaimedRun[]> {
  if (runs.length === 0) return [];
  const workerId = runs[0]!.workerId;
  const r = await db.query<{ run_id: number }>(queueSql('extend-lease'), [
    runs.map((x) => x.runId),
    runs.map((x) => x.attempt),
    workerId,
    iso(now + lease),
    iso(now),
  ]);
  const kept = new Set(r.rows.map((x) => x.run_id));
  for (const run of runs) if (kept.has(run.runId)) run.leaseUntil = now + lease;
  return runs.filter((x) => !kept.has(x.runId));
}
