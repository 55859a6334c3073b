import type { Queryable } from '../db/types.js';
import { iso, queueSql } from './sql-file.js';
import type { ClaimedRun } from './types.js';

/** Returns unfinished runs to the queue (graceful shutdown). Returns how many were released. */
export async function releaseRuns(db: Queryable, runs: readonly ClaimedRun[], now: number): Promise<number> {
  if (runs.length === 0) return 0;
  const r = await db.query(queueSql('release'), [
    runs.map((x) => x.runId),
    runs.map((x) => x.attempt),
    runs[0]!.workerId,
    iso(now),
  ]);
  return r.rowCount;
}
