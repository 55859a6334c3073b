/**
 * The correlation reads (API and CLI share them, so `--json` prints what the API returns):
 * trace → everything, traces by business attribute, edge → logs ranking, pattern → edges.
 * Every answer comes from bounded samples (src/agg/trace-sample.ts) and says so: `sampled: true`.
 */
import { iso, num, toIso } from '../db/queries/sql-file.js';
import { sqlFolder } from '../db/sql-file.js';
import { ooQueryHint, ooString } from '../db/writers/locators.js';
import type { Queryable } from '../db/types.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));
const BUCKET_MS = 300_000;

export interface OoFetch {
  dataset: 'traces' | 'logs';
  /** OO organization (the locator's bucket) and stream; null when no locator of the dataset exists yet. */
  org: string | null;
  stream: string | null;
  sql: string | null;
  /** The time range to search (the sampled buckets ± 5 minutes); null when the trace is not in the samples. */
  start: string | null;
  end: string | null;
}

export interface TraceEdge {
  bucket: string;
  src: string;
  dst: string;
  span_id: string | null;
  failed: boolean;
  attrs: Record<string, unknown>;
  calls: number | null;
  errors: number | null;
  p95_ms: number | null;
  /** The edge's own locator (its sample traces in OO). */
  query_hint: string | null;
}

export interface TracePattern {
  bucket: string;
  resource: string;
  fingerprint: string;
  pattern: string;
  severity: string | null;
  span_id: string | null;
  is_error: boolean;
  lines: number;
  attrs: Record<string, unknown>;
  count_total: number | null;
  count_error: number | null;
  query_hint: string | null;
}

export interface TraceView {
  trace_id: string;
  /** The trace is in at least one sample (edges or patterns). */
  found: boolean;
  sampled: true;
  edges: TraceEdge[];
  patterns: TracePattern[];
  /** OO SQL for the trace's raw spans and lines: `trace_id = '…'` on both streams. */
  oo: OoFetch[];
}

const TRACE_ID_RE = /^[0-9A-Za-z_-]{1,128}$/;

/** Trace ids are hex in OTLP; other sources use other alphabets, so letters, digits, _ and - up to 128. */
export function isTraceId(s: string): boolean {
  return TRACE_ID_RE.test(s);
}

type Attrs = Record<string, unknown>;
const attrsOf = (v: unknown): Attrs => (v !== null && typeof v === 'object' ? (v as Attrs) : {});
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export async function traceView(
  db: Queryable,
  q: { tenantId: number; traceId: string; attrs?: Record<string, string> },
): Promise<TraceView> {
  const id = q.traceId.toLowerCase();
  const [e, p] = await Promise.all([
    db.query<Record<string, unknown>>(sql('trace-edges.sql'), [q.tenantId, id]),
    db.query<Record<string, unknown>>(sql('trace-patterns.sql'), [q.tenantId, id]),
  ]);
  let edges: TraceEdge[] = e.rows.map((r) => ({
    bucket: toIso(r.bucket as Date)!,
    src: String(r.src),
    dst: String(r.dst),
    span_id: (r.span_id as string | null) ?? null,
    failed: r.failed === true,
    attrs: attrsOf(r.attrs),
    calls: numOrNull(r.calls),
    errors: numOrNull(r.errors),
    p95_ms: numOrNull(r.p95_ms),
    query_hint: (r.query_hint as string | null) ?? null,
  }));
  let patterns: TracePattern[] = p.rows.map((r) => ({
    bucket: toIso(r.bucket as Date)!,
    resource: String(r.resource),
    fingerprint: String(r.fingerprint),
    pattern: String(r.pattern),
    severity: (r.severity as string | null) ?? null,
    span_id: (r.span_id as string | null) ?? null,
    is_error: r.is_error === true,
    lines: num(r.lines),
    attrs: attrsOf(r.attrs),
    count_total: numOrNull(r.count_total),
    count_error: numOrNull(r.count_error),
    query_hint: (r.query_hint as string | null) ?? null,
  }));
  if (q.attrs !== undefined && Object.keys(q.attrs).length > 0) {
    // A filter: the trace counts as found only when some sample of it carries every given attribute.
    const want = q.attrs;
    const carries = (a: Attrs) => Object.entries(want).every(([k, v]) => a[k] !== undefined && String(a[k]) === v);
    if (!edges.some((x) => carries(x.attrs)) && !patterns.some((x) => carries(x.attrs))) {
      edges = [];
      patterns = [];
    }
  }
  const found = edges.length > 0 || patterns.length > 0;
  const buckets = [...edges.map((x) => Date.parse(x.bucket)), ...patterns.map((x) => Date.parse(x.bucket))];
  const range = found
    ? { start: iso(Math.min(...buckets) - BUCKET_MS), end: iso(Math.max(...buckets) + 2 * BUCKET_MS) }
    : { start: null, end: null };
  const streamOf = async (
    dataset: 'traces' | 'logs',
    own: { oo_bucket?: unknown; object_key?: unknown } | undefined,
  ) => {
    if (own?.object_key) return { org: String(own.oo_bucket), stream: String(own.object_key) };
    const r = await db.query<{ bucket: string; object_key: string }>(sql('latest-stream.sql'), [q.tenantId, dataset]);
    return r.rows[0] ? { org: r.rows[0].bucket, stream: r.rows[0].object_key } : { org: null, stream: null };
  };
  const oo: OoFetch[] = [];
  for (const [dataset, rows] of [
    ['traces', e.rows],
    ['logs', p.rows],
  ] as const) {
    const s = await streamOf(
      dataset,
      rows.find((r) => r.object_key),
    );
    oo.push({
      dataset,
      ...s,
      sql: s.stream === null ? null : ooQueryHint(s.stream, [`trace_id = ${ooString(id)}`]),
      ...range,
    });
  }
  return { trace_id: id, found, sampled: true, edges, patterns, oo };
}

export interface TraceHit {
  trace_id: string;
  first_bucket: string;
  last_bucket: string;
  failed: boolean;
  /** Samples of the trace that matched: edge rows and pattern rows. */
  edges: number;
  patterns: number;
  attrs: Record<string, unknown>;
}

/**
 * Sampled traces carrying every given business attribute. Values are matched as text, and as
 * numbers / booleans when they read as one (a span attribute keeps its type).
 */
export async function tracesByAttrs(
  db: Queryable,
  q: { tenantId: number; attrs: Record<string, string>; from: number; to: number; limit: number },
): Promise<TraceHit[]> {
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q.attrs)) {
    typed[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  const r = await db.query<Record<string, unknown>>(sql('traces-by-attrs.sql'), [
    q.tenantId,
    JSON.stringify(q.attrs),
    JSON.stringify(typed),
    iso(q.from),
    iso(q.to),
    q.limit,
  ]);
  return r.rows.map((x) => ({
    trace_id: String(x.trace_id),
    first_bucket: toIso(x.first_bucket as Date)!,
    last_bucket: toIso(x.last_bucket as Date)!,
    failed: x.failed === true,
    edges: num(x.edges),
    patterns: num(x.patterns),
    attrs: attrsOf(x.attrs),
  }));
}

export interface RankedPattern {
  resource: string;
  fingerprint: string;
  pattern: string;
  severity: string | null;
  /** Sampled failed / healthy traces of the edge in which the pattern occurs. */
  in_failed: number;
  in_healthy: number;
  failed_share: number;
  healthy_share: number;
  /**
   * How many times more often the pattern occurs in failed than in healthy traces, with add-½
   * smoothing so a pattern never seen in healthy traces gets a finite, sample-size-aware figure.
   */
  lift: number;
}

export interface EdgeLogs {
  src: string;
  dst: string;
  from: string;
  to: string;
  sampled: true;
  failed_traces: number;
  healthy_traces: number;
  patterns: RankedPattern[];
}

async function resourceId(db: Queryable, tenantId: number, urn: string): Promise<number | undefined> {
  const r = await db.query<{ resource_id: unknown }>(
    'SELECT resource_id FROM dim_resource WHERE tenant_id = $1 AND urn = $2',
    [tenantId, urn],
  );
  return r.rows[0] ? num(r.rows[0].resource_id) : undefined;
}

/** Pure: the ranking of edge → logs (exported for unit tests). Only patterns seen in failed traces. */
export function rankPatterns<T extends Omit<RankedPattern, 'failed_share' | 'healthy_share' | 'lift'>>(
  rows: readonly T[],
  failed: number,
  healthy: number,
): (T & RankedPattern)[] {
  return rows
    .filter((r) => r.in_failed > 0)
    .map((r) => ({
      ...r,
      failed_share: failed > 0 ? r.in_failed / failed : 0,
      healthy_share: healthy > 0 ? r.in_healthy / healthy : 0,
      lift: (r.in_failed + 0.5) / (failed + 1) / ((r.in_healthy + 0.5) / (healthy + 1)),
    }))
    .sort(
      (a, b) =>
        b.lift - a.lift ||
        b.in_failed - a.in_failed ||
        (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0) ||
        (a.fingerprint < b.fingerprint ? -1 : 1),
    );
}

/** A ranked pattern with its row ids (resource, canonical fingerprint), for writers that link it. */
export type RankedPatternRef = RankedPattern & { resource_id: number; fingerprint_id: number };

export interface EdgeRanking {
  failed_traces: number;
  healthy_traces: number;
  /** Every pattern seen in a sampled failed trace, best first. */
  patterns: RankedPatternRef[];
}

/**
 * The edge → logs ranking by resource ids: what `edgeLogs` answers, and what the rules job links as
 * an edge event's trace-correlated evidence (src/rules/store/write.ts).
 */
export async function rankEdgeLogs(
  db: Queryable,
  q: { tenantId: number; srcId: number; dstId: number; from: number; to: number },
): Promise<EdgeRanking> {
  const args = [q.tenantId, q.srcId, q.dstId, iso(q.from), iso(q.to)];
  const [totals, rows] = await Promise.all([
    db.query<{ failed: unknown; healthy: unknown }>(sql('edge-traces.sql'), args),
    db.query<Record<string, unknown>>(sql('edge-logs.sql'), args),
  ]);
  const failed = num(totals.rows[0]?.failed ?? 0);
  const healthy = num(totals.rows[0]?.healthy ?? 0);
  const patterns = rankPatterns(
    rows.rows.map((r) => ({
      resource: String(r.resource),
      fingerprint: String(r.fingerprint),
      pattern: String(r.pattern),
      severity: (r.severity as string | null) ?? null,
      in_failed: num(r.in_failed),
      in_healthy: num(r.in_healthy),
      resource_id: num(r.resource_id),
      fingerprint_id: num(r.fingerprint_id),
    })),
    failed,
    healthy,
  );
  return { failed_traces: failed, healthy_traces: healthy, patterns };
}

/**
 * edge → logs: the log patterns of the edge's source and destination that co-occur in its sampled
 * failed traces, ranked by lift over its sampled healthy traces. Null when either URN is unknown.
 */
export async function edgeLogs(
  db: Queryable,
  q: { tenantId: number; src: string; dst: string; from: number; to: number; limit: number },
): Promise<EdgeLogs | null> {
  const [src, dst] = await Promise.all([resourceId(db, q.tenantId, q.src), resourceId(db, q.tenantId, q.dst)]);
  if (src === undefined || dst === undefined) return null;
  const r = await rankEdgeLogs(db, { tenantId: q.tenantId, srcId: src, dstId: dst, from: q.from, to: q.to });
  return {
    src: q.src,
    dst: q.dst,
    from: iso(q.from),
    to: iso(q.to),
    sampled: true,
    failed_traces: r.failed_traces,
    healthy_traces: r.healthy_traces,
    // The API's shape: the ids stay internal.
    patterns: r.patterns.slice(0, q.limit).map(({ resource_id: _r, fingerprint_id: _f, ...p }) => p),
  };
}

export interface PatternEdges {
  fingerprint: string;
  /** The fingerprint the pattern goes by now (differs when it was renamed or merged). */
  canonical: string;
  pattern: string;
  severity: string | null;
  from: string;
  to: string;
  sampled: true;
  /** Distinct sampled traces of the pattern in the range. */
  traces: number;
  edges: { src: string; dst: string; traces: number; failed_traces: number }[];
}

/** pattern → edges: the edges that the pattern's sampled traces crossed. Null for an unknown pattern. */
export async function patternEdges(
  db: Queryable,
  q: { tenantId: number; fingerprint: string; from: number; to: number; limit: number },
): Promise<PatternEdges | null> {
  const args = [q.tenantId, q.fingerprint, iso(q.from), iso(q.to)];
  const head = await db.query<{ fingerprint: string; pattern: string; severity: string | null; traces: unknown }>(
    sql('pattern-traces.sql'),
    args,
  );
  const h = head.rows[0];
  if (!h) return null;
  const r = await db.query<Record<string, unknown>>(sql('pattern-edges.sql'), [...args, q.limit]);
  return {
    fingerprint: q.fingerprint,
    canonical: h.fingerprint,
    pattern: h.pattern,
    severity: h.severity,
    from: iso(q.from),
    to: iso(q.to),
    sampled: true,
    traces: num(h.traces),
    edges: r.rows.map((x) => ({
      src: String(x.src),
      dst: String(x.dst),
      traces: num(x.traces),
      failed_traces: num(x.failed_traces),
    })),
  };
}
