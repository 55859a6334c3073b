import type { Queryable } from '../db/types.js';
import { iso, ms, queueSql } from './sql-file.js';

export interface PendingScope {
  job: string;
  tenantId: number;
  upper: number;
  minFrom?: number;
}

export interface Pending {
  /** Windows within the scope that are queued, failed (retry scheduled) or running. */
  unfinished: number;
  running: number;
  /** Earliest moment one of them can be claimed again, or null when none will by itself. */
  nextAt: number | null;
}

export async function pendingWork(db: Queryable, scope: readonly PendingScope[], now: number): Promise<Pending> {
  if (scope.length === 0) return { unfinished: 0, running: 0, nextAt: null };
  const r = await db.query<{ unfinished: number; running: number; next_at: Date | null }>(queueSql('pending'), [
    scope.map((p) => p.job),
    scope.map((p) => p.tenantId),
    scope.map((p) => iso(p.upper)),
    scope.map((p) => (p.minFrom === undefined ? '-infinity' : iso(p.minFrom))),
    iso(now),
  ]);
  const row = r.rows[0]!;
  return { unfinished: row.unfinished, running: row.running, nextAt: ms(row.next_at) };
}
