import type { Queryable } from '../db/types.js';
import { iso, ms, queueSql } from './sql-file.js';

export interface DueRequest {
  job: string;
  tenantId: number;
  /** First window start (aligned). */
  start: number;
  /** Newest runnable window end (aligned): floor(now − delay, align). */
  upper: number;
  align: number;
  cap: number;
  maxAttempts: number;
  now: number;
}

/** Inserts the due windows in [start, upper) that have no run yet; returns how many. */
export async function enqueueDue(db: Queryable, req: DueRequest): Promise<number> {
  if (req.upper - req.start < req.align || req.cap <= 0) return 0;
  const r = await db.query(queueSql('enqueue-due'), [
    req.job,
    req.tenantId,
    iso(req.start),
    iso(req.upper),
    req.align,
    req.cap,
    req.maxAttempts,
    iso(req.now),
  ]);
  return r.rowCount;
}

/** End of the newest successful window of (job, tenant), or null when it never succeeded. */
export async function lastSuccessTo(db: Queryable, job: string, tenantId: number): Promise<number | null> {
  const r = await db.query<{ last_to: Date | null }>(queueSql('last-success'), [job, tenantId]);
  return ms(r.rows[0]?.last_to);
}
