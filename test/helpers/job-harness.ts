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

/** Creates tenants in dim_tenant and returns them with their ids. */
export async function seedTenants(db: Db, codes: string[]): Promise<Tenant[]> {
  return syncTenants(
    db,
    codes.map((code) => ({ code, name: code })),
  );
}

/**
 * Runs one job window directly (no queue), the way the runner does: the job writes in its own
 * transaction and calls `complete` last; here `complete` records the result in etl_job_run so the
 * success is written in the same transaction as the rows.
 */
export async function runWindow(
  db: Db,
  job: JobDefinition,
  tenant: Tenant,
  w: Window,
  source: Source,
  options: Record<string, unknown> = {},
  tenantConfig: Record<string, unknown> = {},
  /** Top-level config sections (correlation, discovery, ...). */
  configExtra: Record<string, unknown> = {},
): Promise<{ result: JobResult; stats: RejectStats }> {
  const stats = new RejectStats();
  const config = configSchema.parse({
    tenants: [{ code: tenant.code, source: { kind: 'mock' }, ...tenantConfig }],
    ...configExtra,
  });
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

/** Every row of a table, ordered by all its columns, as JSON text (for before/after comparisons). */
export async function tableSnapshot(db: Db, table: string, exclude: string[] = []): Promise<string> {
  const cols = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const keep = cols.rows.map((c) => c.column_name).filter((c) => !exclude.includes(c));
  const list = keep.map((c) => `"${c}"`).join(', ');
  const r = await db.query(`SELECT ${list} FROM "${table}" ORDER BY ${keep.map((_, i) => i + 1).join(', ')}`);
  return JSON.stringify(r.rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}
