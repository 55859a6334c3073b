import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { isEnabled } from '../db/capabilities.js';
import type { Queryable } from '../db/types.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The seed's retention (TimescaleDB policies use the same figures); `retention:` overrides. */
export const RETENTION_DEFAULTS = {
  metric_1m: 180 * DAY,
  service_call_5m: 365 * DAY,
  log_pattern_5m: 180 * DAY,
  etl_job_run: 30 * DAY,
} as const;

/** Tables the maintenance job may delete from, with their time column. A fixed list: nothing here comes from config. */
const RETAINED_TABLES = {
  metric_1m: 'bucket',
  service_call_5m: 'bucket',
  log_pattern_5m: 'bucket',
} as const;

export interface MaintenanceOptions {
  /** Rows deleted per statement: small enough that no statement holds locks for long. @defaultValue 5000 */
  batch_size?: number;
}

/**
 * maintenance (align 1d): per tenant, deletes aggregate rows older than their retention when
 * TimescaleDB is absent (with it, its retention policies do that, set to the same figures by
 * syncRetentionPolicies when a runtime starts), in bounded batches, and prunes
 * old etl_job_run rows while keeping every job's last successful window (the scheduler resumes
 * from it). The cut-off is computed from the window's end, so a re-run deletes the same rows.
 */
export function maintenanceJob(): JobDefinition {
  return {
    name: 'maintenance',
    align: DAY,
    delay: HOUR,
    alignMultipleOf: HOUR,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const batch = Math.max(1, Number((ctx.options as MaintenanceOptions).batch_size ?? 5_000));
      const retention = { ...RETENTION_DEFAULTS, ...definedOnly(ctx.config.retention) };
      const timescale = await isEnabled(ctx.db, 'timescaledb');
      const deleted: Record<string, number> = {};
      if (!timescale) {
        for (const [table, column] of Object.entries(RETAINED_TABLES)) {
          const cutoff = new Date(w.to - retention[table as keyof typeof RETAINED_TABLES]).toISOString();
          deleted[table] = await inBatches(ctx, (db) =>
            db.query(
              `DELETE FROM ${table} WHERE ctid IN (
                 SELECT ctid FROM ${table} WHERE tenant_id = $1 AND ${column} < $2::timestamptz LIMIT $3)`,
              [tenant.id, cutoff, batch],
            ),
          );
        }
      }
      const runCutoff = new Date(w.to - retention.etl_job_run).toISOString();
      deleted.etl_job_run = await inBatches(ctx, (db) =>
        db.query(
          `DELETE FROM etl_job_run WHERE run_id IN (
             SELECT r.run_id FROM etl_job_run r
             WHERE r.tenant_id = $1 AND r.window_to < $2::timestamptz
               AND (r.status = 'dead'
                    OR (r.status = 'success' AND EXISTS (
                          SELECT 1 FROM etl_job_run n
                          WHERE n.job = r.job AND n.tenant_id = r.tenant_id AND n.status = 'success'
                            AND n.window_to > r.window_to)))
             LIMIT $3)`,
          [tenant.id, runCutoff, batch],
        ),
      );
      return { rowsDeleted: deleted, retention: timescale ? 'timescaledb policies' : 'batched deletes' };
    },
  };
}

/** Repeats a bounded delete until it deletes nothing more; each batch is its own short statement. */
async function inBatches(ctx: JobContext, del: (db: Queryable) => Promise<{ rowCount: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    ctx.signal.throwIfAborted();
    const n = (await del(ctx.db)).rowCount;
    total += n;
    if (n === 0) return total;
  }
}

export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
