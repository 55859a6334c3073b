/**
 * Summary-table comparison for the reliability scenarios: every summary table read as one text line
 * per row, ordered by key, with surrogate ids replaced by what they stand for (tenant code, URN,
 * pattern fingerprint), so a database built by crashes, retries and replays can be compared with a
 * clean reference run on a fresh database.
 */
import type { Queryable } from '../../../src/db/types.js';

/** Table name → its rows as canonical text lines, sorted. */
export type TableRows = Record<string, string[]>;

const QUERIES: Record<string, string> = {
  metric_1m: `
    SELECT json_build_array(m.bucket, t.code, r.urn, m.metric, m.labels, m.avg_val, m.max_val, m.min_val,
             m.p95_val, m.count, m.sum_val, md5(m.sketch))::text AS line
    FROM metric_1m m JOIN dim_tenant t USING (tenant_id) JOIN dim_resource r ON r.resource_id = m.resource_id`,
  service_call_5m: `
    SELECT json_build_array(c.bucket, t.code, s.urn, d.urn, c.rps, c.err_rate, c.p50_ms, c.p95_ms, c.calls,
             c.errors, md5(c.latency_sketch), l.dataset, l.t_from, l.t_to, l.query_hint)::text AS line
    FROM service_call_5m c JOIN dim_tenant t USING (tenant_id)
    JOIN dim_resource s ON s.resource_id = c.src_resource_id JOIN dim_resource d ON d.resource_id = c.dst_resource_id
    LEFT JOIN oo_locator l ON l.id = c.sample_ref`,
  // A row's pattern as it resolves now (log_pattern_alias: a pattern renamed since keeps its old rows).
  log_pattern_5m: `
    SELECT json_build_array(p.bucket, t.code, r.urn, lp.canonical, p.count_total, p.count_error,
             l.dataset, l.t_from, l.t_to, l.query_hint)::text AS line
    FROM log_pattern_5m p JOIN dim_tenant t USING (tenant_id) JOIN dim_resource r ON r.resource_id = p.resource_id
    JOIN log_pattern_resolved lp ON lp.fingerprint_id = p.fingerprint_id LEFT JOIN oo_locator l ON l.id = p.sample_ref`,
  // The patterns as they are now: rows under a former name are aliases, not patterns.
  log_pattern: `
    SELECT json_build_array(t.code, p.fingerprint, p.pattern, p.sample_message, p.severity, p.attrs_schema,
             p.first_seen, p.last_seen)::text AS line
    FROM log_pattern p JOIN dim_tenant t USING (tenant_id)
    WHERE NOT EXISTS (SELECT 1 FROM log_pattern_alias a WHERE a.tenant_id = p.tenant_id AND a.fingerprint = p.fingerprint)`,
  dim_resource: `
    SELECT json_build_array(t.code, r.urn, r.type, r.name, r.env, r.region, r.zone, r.labels)::text AS line
    FROM dim_resource r JOIN dim_tenant t USING (tenant_id)`,
};

export const SUMMARY_TABLES = Object.keys(QUERIES);

/** Every summary table as sorted canonical lines (sorted in JS: collation-independent). */
export async function summaryRows(db: Queryable): Promise<TableRows> {
  const out: TableRows = {};
  for (const [table, sql] of Object.entries(QUERIES)) {
    const r = await db.query<{ line: string }>(sql);
    out[table] = r.rows.map((x) => x.line).sort();
  }
  return out;
}

export interface Comparison {
  /** Rows compared (reference + actual, over all tables). */
  rows: number;
  /** Rows present on one side only (a multiset difference), over all tables. */
  differences: number;
  /** Per table: reference rows, actual rows, differences; and up to 3 example lines each way. */
  tables: Record<
    string,
    { reference: number; actual: number; differences: number; missing: string[]; extra: string[] }
  >;
}

export function compareRows(reference: TableRows, actual: TableRows): Comparison {
  const tables: Comparison['tables'] = {};
  let rows = 0;
  let differences = 0;
  for (const table of Object.keys(reference)) {
    const ref = reference[table] ?? [];
    const act = actual[table] ?? [];
    const counts = new Map<string, number>();
    for (const l of ref) counts.set(l, (counts.get(l) ?? 0) + 1);
    const extra: string[] = [];
    for (const l of act) {
      const n = counts.get(l) ?? 0;
      if (n > 0) counts.set(l, n - 1);
      else extra.push(l);
    }
    const missing: string[] = [];
    for (const [l, n] of counts) for (let i = 0; i < n; i++) missing.push(l);
    const d = missing.length + extra.length;
    rows += ref.length + act.length;
    differences += d;
    tables[table] = {
      reference: ref.length,
      actual: act.length,
      differences: d,
      missing: missing.slice(0, 3),
      extra: extra.slice(0, 3),
    };
  }
  return { rows, differences, tables };
}

export interface RunCheck {
  /** etl_job_run rows of the given jobs. */
  runs: number;
  /** Rows not in status success. */
  notSuccess: { job: string; tenant: string; from: string; status: string; last_error: string | null }[];
  /** (job, tenant, window) keys present more than once (impossible with ux_job_once; checked anyway). */
  duplicates: number;
}

/** etl_job_run for `jobs`: every window success, once. */
export async function checkRuns(db: Queryable, jobs: readonly string[]): Promise<RunCheck> {
  const r = await db.query<{
    job: string;
    tenant: string;
    window_from: Date;
    status: string;
    last_error: string | null;
  }>(
    `SELECT e.job, t.code AS tenant, e.window_from, e.status, e.last_error
     FROM etl_job_run e JOIN dim_tenant t USING (tenant_id) WHERE e.job = ANY($1::text[])`,
    [jobs as string[]],
  );
  const keys = new Set<string>();
  let duplicates = 0;
  for (const x of r.rows) {
    const k = `${x.job}|${x.tenant}|${x.window_from.toISOString()}`;
    if (keys.has(k)) duplicates++;
    keys.add(k);
  }
  return {
    runs: r.rows.length,
    duplicates,
    notSuccess: r.rows
      .filter((x) => x.status !== 'success')
      .map((x) => ({
        job: x.job,
        tenant: x.tenant,
        from: x.window_from.toISOString(),
        status: x.status,
        last_error: x.last_error,
      })),
  };
}
