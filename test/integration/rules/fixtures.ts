import { QuantileSketch } from '../../../src/agg/sketch.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Db } from '../../../src/db/types.js';
import { RuleBook } from '../../../src/rules/book.js';
import { parseRules } from '../../../src/rules/config.js';
import { rulesJob } from '../../../src/jobs/rules.js';
import { runWindow } from '../../helpers/job-harness.js';
import type { JobResult } from '../../../src/jobs/job.js';

export const M = 60_000;
/** Aligned to the hour: buckets are T0 + k·5m. */
export const T0 = Date.parse('2026-06-10T10:00:00Z');

const nullSource = {
  async *stream() {},
  location: () => ({ bucket: 'b', objectKey: 'k' }),
} as never;

/** Inserts a resource and returns its id. */
export async function resource(db: Db, tenantId: number, urn: string, type: string, name: string): Promise<number> {
  const r = await db.query<{ resource_id: unknown }>(
    `INSERT INTO dim_resource (tenant_id, urn, type, name, labels) VALUES ($1, $2, $3, $4, '{"k8s.namespace.name":"shop"}')
     RETURNING resource_id`,
    [tenantId, urn, type, name],
  );
  return Number(r.rows[0]!.resource_id);
}

/** A latency sketch of `n` calls around `ms` (a spread of ±50%). */
export function sketchOf(n: number, ms: number): QuantileSketch {
  const s = new QuantileSketch();
  for (let i = 0; i < n; i++) s.add(ms * (0.5 + i / n));
  return s;
}

/** A 5-minute oo_locator of `dataset` (object key = dataset) for `bucket`; returns its id. */
async function locator(db: Db, tenantId: number, dataset: string, bucket: number, hint: string): Promise<number> {
  const loc = await db.query<{ id: unknown }>(
    `INSERT INTO oo_locator (tenant_id, dataset, bucket, object_key, t_from, t_to, query_hint)
     VALUES ($1, $2, 'b', $2, $3, $4, $5) RETURNING id`,
    [tenantId, dataset, new Date(bucket), new Date(bucket + 5 * M), hint],
  );
  return Number(loc.rows[0]!.id);
}

/** One service_call_5m row (with a locator as its sample_ref); returns the locator id. */
export async function callRow(
  db: Db,
  tenantId: number,
  bucket: number,
  src: number,
  dst: number,
  calls: number,
  errors: number,
  sketch: QuantileSketch,
): Promise<number> {
  const id = await locator(
    db,
    tenantId,
    'traces',
    bucket,
    `SELECT * FROM "traces" WHERE x = ${bucket} AND e = ${src}-${dst}`,
  );
  await db.query(
    `INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, dst_resource_id, rps, err_rate, p50_ms, p95_ms,
       sample_ref, calls, errors, latency_sketch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      new Date(bucket),
      tenantId,
      src,
      dst,
      calls / 300,
      calls ? errors / calls : 0,
      sketch.quantile(0.5),
      sketch.quantile(0.95),
      id,
      calls,
      errors,
      sketch.toBytes(),
    ],
  );
  return id;
}

/** One metric_1m row. */
export async function metricRow(
  db: Db,
  tenantId: number,
  bucket: number,
  resourceId: number,
  metric: string,
  value: number,
  labels: Record<string, string> = {},
): Promise<void> {
  const s = new QuantileSketch();
  s.add(value);
  await db.query(
    `INSERT INTO metric_1m (bucket, tenant_id, resource_id, metric, avg_val, max_val, p95_val, labels, min_val, count,
       sum_val, sketch) VALUES ($1, $2, $3, $4, $5, $5, $5, $6::jsonb, $5, 1, $5, $7)`,
    [new Date(bucket), tenantId, resourceId, metric, value, JSON.stringify(labels), s.toBytes()],
  );
}

/** A rules job over `rules` (parsed; problems must be none unless `allowProblems`). */
export function jobOf(rules: unknown[], allowProblems = false) {
  const set = parseRules(rules);
  if (!allowProblems && set.problems.length > 0) throw new Error(set.problems.join('\n'));
  return rulesJob(new RuleBook({ set }));
}

/** Runs the rules window that ends at `end`. */
export async function runRules(db: Db, job: ReturnType<typeof jobOf>, tenant: Tenant, end: number): Promise<JobResult> {
  return (await runWindow(db, job, tenant, { from: end - M, to: end }, nullSource)).result;
}

export interface EventRow {
  event_id: string;
  status: string;
  rule_id: string;
  windows: number;
  flaps: number;
  value: number;
  peak_value: number;
  resolved_at: Date | null;
  first_seen: Date;
  last_seen: Date;
  detected_at: Date;
  title: string;
  severity: string;
  resource_id: unknown;
}

export async function events(db: Db, tenantId: number): Promise<EventRow[]> {
  const r = await db.query<EventRow>(
    `SELECT event_id::text AS event_id, status, rule_id, windows, flaps, value, peak_value, resolved_at, first_seen,
            last_seen, detected_at, title, severity::text AS severity, resource_id
     FROM event_envelope WHERE tenant_id = $1 ORDER BY detected_at, event_id`,
    [tenantId],
  );
  return r.rows;
}

/** A log pattern of the tenant; returns its fingerprint id. */
export async function logPattern(
  db: Db,
  tenantId: number,
  fingerprint: string,
  pattern: string,
  severity: string,
): Promise<number> {
  const r = await db.query<{ fingerprint_id: unknown }>(
    `INSERT INTO log_pattern (tenant_id, fingerprint, pattern, severity) VALUES ($1, $2, $3, $4) RETURNING fingerprint_id`,
    [tenantId, fingerprint, pattern, severity],
  );
  return Number(r.rows[0]!.fingerprint_id);
}

/** One log_pattern_5m row with a locator as its sample_ref; returns the locator id. */
export async function patternRow(
  db: Db,
  tenantId: number,
  bucket: number,
  resourceId: number,
  fingerprintId: number,
  total: number,
  errors: number,
): Promise<number> {
  const id = await locator(
    db,
    tenantId,
    'logs',
    bucket,
    `SELECT * FROM "logs" WHERE p = ${fingerprintId} AND x = ${bucket}`,
  );
  await db.query(
    `INSERT INTO log_pattern_5m (bucket, tenant_id, resource_id, fingerprint_id, count_total, count_error, sample_ref)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [new Date(bucket), tenantId, resourceId, fingerprintId, total, errors, id],
  );
  return id;
}

/** A sampled trace of an edge (service_call_trace_5m), as oo-calls keeps them. */
export async function edgeTrace(
  db: Db,
  tenantId: number,
  bucket: number,
  src: number,
  dst: number,
  traceId: string,
  failed: boolean,
): Promise<void> {
  await db.query(
    `INSERT INTO service_call_trace_5m (bucket, tenant_id, src_resource_id, dst_resource_id, trace_id, failed)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [new Date(bucket), tenantId, src, dst, traceId, failed],
  );
}

/** A sampled trace of a pattern row (log_pattern_trace_5m), as oo-logs keeps them. */
export async function patternTrace(
  db: Db,
  tenantId: number,
  bucket: number,
  resourceId: number,
  fingerprintId: number,
  traceId: string,
  isError: boolean,
): Promise<void> {
  await db.query(
    `INSERT INTO log_pattern_trace_5m (bucket, tenant_id, resource_id, fingerprint_id, trace_id, is_error, lines)
     VALUES ($1, $2, $3, $4, $5, $6, 1)`,
    [new Date(bucket), tenantId, resourceId, fingerprintId, traceId, isError],
  );
}
