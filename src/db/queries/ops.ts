import type { Queryable } from '../types.js';
import { num, readSql, toMs } from './sql-file.js';

export interface JobProgress {
  job: string;
  tenant: string;
  /** End of the newest successful window (epoch ms), null when none succeeded yet. */
  lastSuccessTo: number | null;
  /** Start of the oldest run of any status, null when the pair has no run. */
  firstFrom: number | null;
}

export interface QueueCount {
  job: string;
  tenant: string;
  status: string;
  n: number;
}

export interface CircuitRow {
  job: string;
  tenant: string;
  state: string;
}

/** Progress of every (job, enabled tenant) pair, for the lag gauge. */
export async function jobProgress(db: Queryable, jobs: readonly string[]): Promise<JobProgress[]> {
  const r = await db.query<{ job: string; tenant: string; last_success_to: Date | null; first_from: Date | null }>(
    readSql('job-lag'),
    [jobs as string[]],
  );
  return r.rows.map((x) => ({
    job: x.job,
    tenant: x.tenant,
    lastSuccessTo: toMs(x.last_success_to),
    firstFrom: toMs(x.first_from),
  }));
}

export async function queueCounts(db: Queryable): Promise<QueueCount[]> {
  const r = await db.query<{ job: string; tenant: string; status: string; n: unknown }>(readSql('queue-depth'));
  return r.rows.map((x) => ({ job: x.job, tenant: x.tenant, status: x.status, n: num(x.n) }));
}

export async function circuitStates(db: Queryable): Promise<CircuitRow[]> {
  const r = await db.query<CircuitRow>(readSql('circuit-state'));
  return r.rows;
}

/**
 * Window lag in seconds: now minus the end of the newest successful window. A pair that never
 * succeeded lags from the start of its oldest run; one with no run at all has no lag yet (NaN).
 */
export function lagSeconds(p: JobProgress, now: number): number {
  const ref = p.lastSuccessTo ?? p.firstFrom;
  return ref === null ? NaN : Math.max(0, now - ref) / 1000;
}
