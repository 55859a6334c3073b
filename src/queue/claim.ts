import type { Queryable } from '../db/types.js';
import { iso, ms, queueSql } from './sql-file.js';
import type { ClaimedRun } from './types.js';

/** A (job, tenant) this worker may claim from, with its bounds for this claim. */
export interface ClaimPair {
  job: string;
  tenantId: number;
  /** Newest claimable window end: floor(now − delay, align), or the backfill's end if earlier. */
  upper: number;
  /** Oldest claimable window start (a backfill's scope); undefined = no lower bound. */
  minFrom?: number;
  sequential: boolean;
  /** At most this many windows of the pair in one claim. */
  limit: number;
  /** Windows of these jobs covering [from − lookbehind, to) must have succeeded first. */
  after: readonly { job: string; lookbehind: number }[];
}

export interface ClaimRequest {
  workerId: string;
  now: number;
  lease: number;
  /** Total windows to take. */
  limit: number;
  pairs: readonly ClaimPair[];
  /** Free slots per job in this worker (per-job concurrency); jobs missing or at 0 are not claimed. */
  slots: ReadonlyMap<string, number>;
}

interface Row {
  run_id: number;
  job: string;
  tenant_id: number;
  window_from: Date;
  window_to: Date;
  attempt: number;
  max_attempts: number;
  probe: boolean;
}

/** Claims windows in one statement (see claim.sql for what is claimable). */
export async function claim(db: Queryable, req: ClaimRequest): Promise<ClaimedRun[]> {
  const pairs = req.pairs.filter((p) => p.limit > 0 && (req.slots.get(p.job) ?? 0) > 0);
  if (req.limit <= 0 || pairs.length === 0) return [];
  const slotJobs = [...req.slots.entries()].filter(([, n]) => n > 0);
  const deps = pairs.flatMap((p) => p.after.map((d) => ({ pair: p, dep: d })));
  const leaseUntil = req.now + req.lease;
  const r = await db.query<Row>(queueSql('claim'), [
    iso(req.now),
    iso(leaseUntil),
    req.workerId,
    req.limit,
    pairs.map((p) => p.job),
    pairs.map((p) => p.tenantId),
    pairs.map((p) => iso(p.upper)),
    pairs.map((p) => (p.minFrom === undefined ? '-infinity' : iso(p.minFrom))),
    pairs.map((p) => p.sequential),
    pairs.map((p) => p.limit),
    slotJobs.map(([j]) => j),
    slotJobs.map(([, n]) => n),
    deps.map((d) => d.pair.job),
    deps.map((d) => d.pair.tenantId),
    deps.map((d) => d.dep.job),
    deps.map((d) => d.dep.lookbehind),
  ]);
  return r.rows.map((x) => ({
    runId: x.run_id,
    job: x.job,
    tenantId: x.tenant_id,
    from: ms(x.window_from)!,
    to: ms(x.window_to)!,
    attempt: x.attempt,
    maxAttempts: x.max_attempts,
    workerId: req.workerId,
    probe: x.probe,
    leaseUntil,
  }));
}
