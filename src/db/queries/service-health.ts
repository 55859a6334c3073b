import type { Queryable } from '../types.js';
import { compareDependencies, dependencyFromRow, topDependencies, type Dependency } from './dependencies.js';
import { iso, num, readSql } from './sql-file.js';

export interface MetricSummary {
  metric: string;
  series: number;
  samples: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** The largest 1-minute p95 of the span (not a p95 of the span). */
  p95_max_1m: number | null;
}

export interface PatternCount {
  fingerprint: string;
  pattern: string;
  severity: string | null;
  count_total: number;
  count_error: number;
}

/** One service over [from, to): its metrics, who calls it, what it calls, its error log patterns. */
export interface ServiceHealth {
  service: string;
  from: string;
  to: string;
  metrics: MetricSummary[];
  callers: Dependency[];
  dependencies: Dependency[];
  error_patterns: PatternCount[];
}

type NumLike = number | string | null;
const n = (v: NumLike): number | null => (v === null ? null : Number(v));

/** Callers of a resource over the span, ranked like dependencies (slowest, then most failing). */
export async function topCallers(
  db: Queryable,
  q: { tenantId: number; urn: string; now: number; since: number; limit: number },
): Promise<Dependency[]> {
  const r = await db.query<Parameters<typeof dependencyFromRow>[0]>(readSql('service-callers'), [
    q.tenantId,
    q.urn,
    iso(q.now - q.since),
    iso(q.now),
  ]);
  return r.rows
    .map((row) => dependencyFromRow(row, q.since))
    .sort(compareDependencies)
    .slice(0, q.limit);
}

export async function errorPatterns(
  db: Queryable,
  q: { tenantId: number; urn: string; from: number; to: number; limit: number; errorsOnly?: boolean },
): Promise<PatternCount[]> {
  const r = await db.query<{
    fingerprint: string;
    pattern: string;
    severity: string | null;
    count_total: unknown;
    count_error: unknown;
  }>(readSql('service-patterns'), [q.tenantId, q.urn, iso(q.from), iso(q.to), q.limit, q.errorsOnly ?? true]);
  return r.rows.map((x) => ({ ...x, count_total: num(x.count_total), count_error: num(x.count_error) }));
}

export async function serviceHealth(
  db: Queryable,
  q: { tenantId: number; urn: string; from: number; to: number; limit: number },
): Promise<ServiceHealth> {
  const span = { tenantId: q.tenantId, urn: q.urn, now: q.to, since: q.to - q.from, limit: q.limit };
  const metrics = await db.query<{
    metric: string;
    series: number;
    samples: unknown;
    mean: NumLike;
    min: NumLike;
    max: NumLike;
    p95_max_1m: NumLike;
  }>(readSql('service-metrics'), [q.tenantId, q.urn, iso(q.from), iso(q.to), 100]);
  return {
    service: q.urn,
    from: iso(q.from),
    to: iso(q.to),
    metrics: metrics.rows.map((m) => ({
      metric: m.metric,
      series: m.series,
      samples: num(m.samples),
      mean: n(m.mean),
      min: n(m.min),
      max: n(m.max),
      p95_max_1m: n(m.p95_max_1m),
    })),
    callers: await topCallers(db, span),
    dependencies: await topDependencies(db, span),
    error_patterns: await errorPatterns(db, { ...q, limit: q.limit }),
  };
}
