import type { Queryable } from '../db/types.js';
import { iso, queueSql } from './sql-file.js';

/** Windows older than the largest age plus this are not revisited (the service was down longer). */
const HORIZON_SLACK = 3_600_000;

/**
 * Re-queues successful windows of (job, tenant) whose end + a revisit age has passed, once per age.
 * Returns how many windows were queued again.
 */
export async function requeueRevisits(
  db: Queryable,
  job: string,
  tenantId: number,
  ages: readonly number[],
  now: number,
): Promise<number> {
  if (ages.length === 0) return 0;
  const sorted = [...ages].sort((a, b) => a - b);
  const horizon = now - sorted[sorted.length - 1]! - HORIZON_SLACK;
  const r = await db.query<{ status: string }>(queueSql('revisit'), [job, tenantId, iso(now), sorted, iso(horizon)]);
  return r.rows.filter((x) => x.status === 'queued').length;
}
