import type { Queryable } from '../types.js';
import { num, readSql, toMs } from './sql-file.js';

export interface WindowDuration {
  /** Window start, epoch ms. */
  from: number;
  ms: number;
}

/**
 * The durations of the newest `perPair` successful windows of each pair, oldest first (the order a
 * sparkline draws), keyed `job\u0000tenantId`.
 */
export async function windowDurations(
  db: Queryable,
  pairs: readonly { job: string; tenantId: number }[],
  perPair: number,
): Promise<Map<string, WindowDuration[]>> {
  const out = new Map<string, WindowDuration[]>();
  if (pairs.length === 0) return out;
  const r = await db.query<{ job: string; tenant_id: unknown; window_from: Date; ms: number }>(
    readSql('window-durations'),
    [pairs.map((p) => p.job), pairs.map((p) => p.tenantId), perPair],
  );
  for (const x of r.rows) {
    const key = pairKey(x.job, num(x.tenant_id));
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ from: toMs(x.window_from)!, ms: Math.max(0, num(x.ms)) });
  }
  for (const list of out.values()) list.sort((a, b) => a.from - b.from);
  return out;
}

export function pairKey(job: string, tenantId: number): string {
  return `${job}\u0000${tenantId}`;
}
