import type { Queryable } from '../db/types.js';
import { ms, queueSql } from './sql-file.js';
import type { CircuitState } from './types.js';

/** One line of `observebridge status --json` (the shape is a promise of the CLI). */
export interface PairStatus {
  job: string;
  tenant: string;
  /** ISO end of the newest successful window, or null. */
  last_success_to: string | null;
  /** now − last_success_to in seconds, or null when nothing succeeded yet. */
  lag_seconds: number | null;
  queued: number;
  running: number;
  failed: number;
  dead: number;
  circuit: CircuitState;
  last_error: string | null;
}

/** What statusPairs needs of the job registry (src/jobs/registry.ts). */
export interface PairSource {
  readonly jobs: readonly { name: string }[];
  settings(job: string, tenant: string): { enabled: boolean };
}

/**
 * The (job, tenant) pairs `status` reports, in job then config order: every job enabled for a
 * configured tenant that the database knows (`known`: code → tenant_id).
 */
export function statusPairs(
  registry: PairSource,
  tenantCodes: readonly string[],
  known: ReadonlyMap<string, number>,
): { job: string; tenantId: number }[] {
  const pairs: { job: string; tenantId: number }[] = [];
  for (const job of registry.jobs) {
    for (const code of tenantCodes) {
      const id = known.get(code);
      if (id !== undefined && registry.settings(job.name, code).enabled) pairs.push({ job: job.name, tenantId: id });
    }
  }
  return pairs;
}

export async function queueStatus(
  db: Queryable,
  pairs: readonly { job: string; tenantId: number }[],
  now: number,
): Promise<PairStatus[]> {
  if (pairs.length === 0) return [];
  const r = await db.query<{
    job: string;
    tenant: string;
    last_success_to: Date | null;
    queued: number;
    running: number;
    failed: number;
    dead: number;
    circuit: CircuitState;
    last_error: string | null;
  }>(queueSql('status'), [pairs.map((p) => p.job), pairs.map((p) => p.tenantId)]);
  return r.rows.map((x) => {
    const last = ms(x.last_success_to);
    return {
      job: x.job,
      tenant: x.tenant,
      last_success_to: last === null ? null : new Date(last).toISOString(),
      lag_seconds: last === null ? null : Math.max(0, Math.round((now - last) / 1000)),
      queued: x.queued,
      running: x.running,
      failed: x.failed,
      dead: x.dead,
      circuit: x.circuit,
      last_error: x.last_error,
    };
  });
}
