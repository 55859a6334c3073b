import type { Queryable } from '../db/types.js';
import { iso, queueSql } from './sql-file.js';

/** Ends expired runs that have no attempt left (`dead`); returns how many. */
export async function reclaimExpired(db: Queryable, now: number): Promise<number> {
  const r = await db.query(queueSql('reclaim-expired'), [iso(now)]);
  return r.rowCount;
}
