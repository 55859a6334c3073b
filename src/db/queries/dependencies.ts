import { QuantileSketch } from '../../agg/sketch.js';
import type { Queryable } from '../types.js';
import { resolveSpan, spanFields, type SpanFields } from './data-span.js';
import { iso, num, readSql } from './sql-file.js';

export interface DependencyQuery {
  tenantId: number;
  /** The calling service's URN (`urn:k8s:svc:<ns>/<name>`). */
  urn: string;
  /** Span end (exclusive), epoch ms: the injected clock's now. */
  now: number;
  /** Span length in ms: buckets that start in [now − since, now). */
  since: number;
  limit: number;
}

/** One destination, in the JSON shape the API and `query deps --json` print. */
export interface Dependency {
  dst: string;
  dst_type: string;
  calls: number;
  errors: number;
  /** errors / calls over the span (0 without calls). */
  err_rate: number;
  /** Calls per second over the span. */
  rps: number;
  /**
   * p95 latency in ms of all calls of the span: the merged bucket sketches (within the sketch's
   * relative accuracy). When some bucket has no sketch (an older writer), the largest bucket p95: a
   * conservative stand-in, not a percentile of the span. Null without latency data.
   */
  p95_ms: number | null;
  /** Whether p95_ms comes from merged sketches (exact within α) or the largest-bucket fallback. */
  p95_source: 'sketch' | 'max_bucket' | null;
  buckets: number;
}

interface Row {
  dst: string;
  dst_type: string;
  buckets: number;
  calls: unknown;
  errors: unknown;
  p95_max: number | null;
  sketched: number;
  /** The buckets' sketches, base64, comma-separated. */
  sketches: string | null;
}

/** The per-destination figures of one row, sketches merged (pure). */
export function dependencyFromRow(r: Row, sinceMs: number): Dependency {
  const calls = num(r.calls);
  const errors = num(r.errors);
  let p95: number | null = r.p95_max;
  let source: Dependency['p95_source'] = p95 === null ? null : 'max_bucket';
  if (r.sketched === r.buckets && r.sketches) {
    const merged = new QuantileSketch();
    for (const b of r.sketches.split(',')) merged.merge(QuantileSketch.fromBase64(b));
    const q = merged.quantile(0.95);
    if (Number.isFinite(q)) {
      p95 = q;
      source = 'sketch';
    }
  }
  return {
    dst: r.dst,
    dst_type: r.dst_type,
    calls,
    errors,
    err_rate: calls > 0 ? errors / calls : 0,
    rps: sinceMs > 0 ? calls / (sinceMs / 1000) : 0,
    p95_ms: p95,
    p95_source: source,
    buckets: r.buckets,
  };
}

/** Slowest first, then most failing, then by URN so equal figures have a stable order. */
export function compareDependencies(a: Dependency, b: Dependency): number {
  const pa = a.p95_ms ?? -Infinity;
  const pb = b.p95_ms ?? -Infinity;
  if (pa !== pb) return pb - pa;
  if (a.err_rate !== b.err_rate) return b.err_rate - a.err_rate;
  return a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0;
}

/**
 * Typical query 1: the slowest / most failing downstream dependencies of a service over the last
 * `since` (tenant-scoped). A service has few destinations, so ranking after the merge is cheap.
 */
export async function topDependencies(db: Queryable, q: DependencyQuery): Promise<Dependency[]> {
  const r = await db.query<Row>(readSql('dependencies'), [q.tenantId, q.urn, iso(q.now - q.since), iso(q.now)]);
  return r.rows
    .map((row) => dependencyFromRow(row, q.since))
    .sort(compareDependencies)
    .slice(0, q.limit);
}

/** What the API and `query deps --json` print: the span read, how it was chosen, and the ranking. */
export interface DependencyReport extends SpanFields {
  tenant: string;
  service: string;
  dependencies: Dependency[];
}

/**
 * Typical query 1 over a default span: `since` before `at`, or before now — unless now's span holds
 * no call of the tenant, then before the end of its newest bucket (src/db/queries/data-span.ts).
 */
export async function dependencyReport(
  db: Queryable,
  q: {
    tenant: { id: number; code: string };
    urn: string;
    since: number;
    limit: number;
    now: number;
    at?: number | null;
  },
): Promise<DependencyReport> {
  const span = await resolveSpan(db, {
    tenantId: q.tenant.id,
    dataset: 'calls',
    since: q.since,
    now: q.now,
    at: q.at ?? null,
  });
  const deps = await topDependencies(db, {
    tenantId: q.tenant.id,
    urn: q.urn,
    now: span.to,
    since: q.since,
    limit: q.limit,
  });
  return {
    tenant: q.tenant.code,
    service: q.urn,
    ...spanFields(span),
    dependencies: deps,
  };
}
