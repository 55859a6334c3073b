/**
 * Runs one job window directly, the way the runner does (a copy of test/helpers/job-harness.ts:
 * benchmarks do not import from test/). The job writes in its own transaction and calls `complete`
 * last; `complete` records the run in etl_job_run inside that transaction.
 */
import { configSchema } from '../../src/config/schema.js';
import { ManualClock } from '../../src/core/clock.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import { syncTenants } from '../../src/db/tenants.js';
import type { Db } from '../../src/db/types.js';
import type { JobContext, JobDefinition, JobResult } from '../../src/jobs/job.js';
import { silentLogger } from '../../src/obs/logger.js';
import type { Source } from '../../src/sources/source.js';

export async function seedTenants(db: Db, codes: string[]): Promise<Tenant[]> {
  return syncTenants(
    db,
    codes.map((code) => ({ code, name: code })),
  );
}

export async function runWindow(
  db: Db,
  job: JobDefinition,
  tenant: Tenant,
  w: Window,
  source: Source,
  options: Record<string, unknown> = {},
): Promise<{ result: JobResult; stats: RejectStats }> {
  const stats = new RejectStats();
  const config = configSchema.parse({ tenants: [{ code: tenant.code, source: { kind: 'mock' } }] });
  const ctx: JobContext = {
    db,
    clock: new ManualClock(w.to + 10 * 60_000),
    logger: silentLogger,
    config,
    source: () => source,
    signal: new AbortController().signal,
    stats,
    options,
    async complete(tx, result) {
      await tx.query(
        `INSERT INTO etl_job_run(job, tenant_id, window_from, window_to, status, attempt, stats, finished_at)
         VALUES ($1, $2, $3, $4, 'success', 1, $5, now())
         ON CONFLICT (job, tenant_id, window_from) DO UPDATE SET status = 'success', attempt = etl_job_run.attempt + 1,
           stats = EXCLUDED.stats, finished_at = now()`,
        [job.name, tenant.id, new Date(w.from), new Date(w.to), JSON.stringify(result)],
      );
    },
  };
  const result = await job.run(ctx, tenant, w);
  return { result, stats };
}
