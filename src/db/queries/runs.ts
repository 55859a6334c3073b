import type { Queryable } from '../types.js';
import { iso, num, readSql, toIso, toMs } from './sql-file.js';

export const RUN_STATUSES = ['queued', 'running', 'success', 'failed', 'dead'] as const;
export type RunStatusFilter = (typeof RUN_STATUSES)[number];

/** One run, in the JSON shape the API prints. */
export interface RunRecord {
  run_id: number;
  job: string;
  window_from: string;
  window_to: string;
  status: string;
  attempt: number;
  max_attempts: number;
  /** Not claimable before this (backoff); null when claimable at once. */
  run_after: string | null;
  lease_until: string | null;
  last_error: string | null;
  stats: unknown;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string | null;
}

export type RunCursor = readonly [windowFrom: number, runId: number];

export interface RunQuery {
  tenantId: number;
  job?: string | null;
  status?: RunStatusFilter | null;
  /** Runs whose window overlaps [from, to) (epoch ms). */
  from?: number | null;
  to?: number | null;
  limit: number;
  after?: RunCursor | null;
}

interface Row {
  run_id: unknown;
  job: string;
  window_from: Date;
  window_to: Date;
  status: string;
  attempt: number;
  max_attempts: number;
  run_after: Date | null;
  lease_until: Date | null;
  last_error: string | null;
  stats: unknown;
  created_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date | null;
}

/** The tenant's runs, newest window first, one page. */
export async function listRuns(db: Queryable, q: RunQuery): Promise<{ runs: RunRecord[]; next: RunCursor | null }> {
  const r = await db.query<Row>(readSql('runs'), [
    q.tenantId,
    q.job ?? null,
    q.status ?? null,
    q.from == null ? null : iso(q.from),
    q.to == null ? null : iso(q.to),
    q.after ? iso(q.after[0]) : null,
    q.after ? q.after[1] : null,
    q.limit,
  ]);
  const runs = r.rows.map((x) => ({
    run_id: num(x.run_id),
    job: x.job,
    window_from: toIso(x.window_from)!,
    window_to: toIso(x.window_to)!,
    status: x.status,
    attempt: x.attempt,
    max_attempts: x.max_attempts,
    run_after: toIso(x.run_after),
    lease_until: toIso(x.lease_until),
    last_error: x.last_error,
    stats: x.stats,
    created_at: toIso(x.created_at),
    started_at: toIso(x.started_at),
    finished_at: toIso(x.finished_at),
    updated_at: toIso(x.updated_at),
  }));
  const last = r.rows.at(-1);
  return {
    runs,
    next: last && runs.length === q.limit ? ([toMs(last.window_from)!, num(last.run_id)] as const) : null,
  };
}
