import { isEnabled } from './capabilities.js';
import { renderForExtension } from './extension-schema.js';
import { sqlFolder } from './sql-file.js';
import type { Queryable } from './types.js';

const sql = sqlFolder(new URL('./', import.meta.url));

/** The hypertables with a retention policy (sql/capabilities/timescaledb.sql) and their retention in ms. */
export type HypertableRetention = Record<'metric_1m' | 'service_call_5m' | 'log_pattern_5m', number>;

export interface RetentionChange {
  table: string;
  jobId: number;
  was: string;
  now: string;
}

/**
 * With TimescaleDB, retention is not done by the maintenance job but by the policy jobs migrate
 * created with the seed's figures (180/365/180 days). Without this, a configured `retention:` was
 * silently ignored on TimescaleDB: the policies went on dropping every chunk older than the seed's
 * figure, also one a backfill had just written (seen in the reliability scenarios, whose windows
 * are in 2024: a policy run during the run dropped the first windows' chunk after those windows had
 * succeeded). So a runtime sets each policy's drop_after to the configured retention when it
 * differs, before any window runs. Without TimescaleDB (and on PGlite) it costs one lookup.
 */
export async function syncRetentionPolicies(db: Queryable, retention: HypertableRetention): Promise<RetentionChange[]> {
  if (!(await isEnabled(db, 'timescaledb'))) return [];
  const tables = Object.keys(retention) as (keyof HypertableRetention)[];
  const r = await db.query<{ job_id: number; hypertable_name: string; was: string; now: string }>(
    await renderForExtension(db, 'timescaledb', sql('retention-policies.sql')),
    [tables, tables.map((t) => intervalText(retention[t]))],
  );
  return r.rows.map((x) => ({ table: x.hypertable_name, jobId: x.job_id, was: x.was, now: x.now }));
}

/** Milliseconds as an interval literal: whole days as days (how the seed's policies spell it). */
function intervalText(ms: number): string {
  const day = 86_400_000;
  return ms % day === 0 ? `${ms / day} days` : `${ms / 1000} seconds`;
}
