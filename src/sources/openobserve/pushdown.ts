/**
 * Aggregation push-down for oo-metrics (reference §8): instead of reading a metric stream's raw
 * points, send OpenObserve one GROUP BY query per stream and window and let its engine aggregate:
 *
 *   SELECT histogram(_timestamp, '1 minute') AS zo_bucket, "<label>", …,
 *          count(value) AS zo_count, sum(value) AS zo_sum, min(value) AS zo_min, max(value) AS zo_max,
 *          approx_percentile_cont(value, 0.95) AS zo_p95
 *     FROM "<stream>" GROUP BY zo_bucket, "<label>", … LIMIT <max_groups + 1>
 *
 * The label columns come from the stream's schema (GET streams/{stream}/schema), minus the columns
 * that are not labels (value, _timestamp, __hash__, …; oo-rows.ts). A series' absent label is NULL
 * in its group and omitted in the answer, so each group is one series exactly as the streaming path
 * sees it. What cannot be pushed down is listed in src/sources/README.md (duplicate samples, the
 * DDSketch, exact p95).
 */
import type { RejectStats } from '../../core/reject-stats.js';
import type { Window } from '../../core/window.js';
import { isMetricLabelColumn, metricFromOoRow } from '../normalize/oo-rows.js';
import { isPlainObject } from '../normalize/values.js';
import type { MetricAggregate } from '../source.js';
import { describeTarget, OoPermanentError, RetryableError, type OoTarget } from './errors.js';
import type { OoHttp } from './http.js';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The GROUP BY statement for one metric stream (labels sorted: the same text for the same schema). */
export function pushdownSql(stream: string, labels: readonly string[], limit: number): string {
  const cols = [...labels].sort().map(quoteIdent);
  const keys = ['zo_bucket', ...cols].join(', ');
  return (
    `SELECT histogram(_timestamp, '1 minute') AS zo_bucket${cols.map((c) => `, ${c}`).join('')}, ` +
    'count(value) AS zo_count, sum(value) AS zo_sum, min(value) AS zo_min, max(value) AS zo_max, ' +
    `approx_percentile_cont(value, 0.95) AS zo_p95 FROM ${quoteIdent(stream)} GROUP BY ${keys} LIMIT ${limit}`
  );
}

/** The label columns of a metric stream, from its schema. */
export async function labelColumns(
  http: OoHttp,
  stream: string,
  target: OoTarget,
  signal?: AbortSignal,
): Promise<string[]> {
  return http.call(
    { method: 'GET', path: `streams/${encodeURIComponent(stream)}/schema`, params: { type: 'metrics' }, target },
    (json) => {
      const schema = isPlainObject(json) ? json['schema'] : undefined;
      if (!Array.isArray(schema))
        throw new OoPermanentError('oo_bad_response', `${describeTarget(target)}: schema answer has no 'schema' array`);
      return (
        schema
          .map((f) => (isPlainObject(f) ? f['name'] : undefined))
          // __name__ too: a stream that holds several metrics groups them apart.
          .filter((n): n is string => typeof n === 'string' && (n === '__name__' || isMetricLabelColumn(n)))
          .sort()
      );
    },
    signal,
  );
}

/** `2024-06-10T06:13:00` (UTC, no zone, reference §1.4) → epoch ms. */
function bucketMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 1e14 ? Math.floor(v / 1000) : v; // µs or ms
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(t) ? t : undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One window of one stream, aggregated by OpenObserve; malformed groups are counted in `stats`. */
export async function pushdownStream(
  http: OoHttp,
  stream: string,
  w: Window,
  maxGroups: number,
  stats: RejectStats,
  target: OoTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<MetricAggregate[]> {
  const labels = await labelColumns(http, stream, target, signal);
  const sql = pushdownSql(stream, labels, maxGroups + 1);
  const hits = await http.call(
    {
      method: 'POST',
      path: '_search',
      params: { type: 'metrics', use_cache: 'false' },
      body: {
        query: { sql, start_time: w.from * 1000, end_time: w.to * 1000, from: 0, size: maxGroups + 1 },
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        search_type: 'other',
      },
      target,
    },
    (json) => {
      if (!isPlainObject(json) || !Array.isArray(json['hits'])) throw new RetryableError('answer has no hits array');
      const warnings = Array.isArray(json['function_error']) ? json['function_error'].map(String) : [];
      if (json['is_partial'] === true || warnings.some((x) => /capped|range|duration/i.test(x)))
        throw new OoPermanentError(
          'oo_partial',
          `${describeTarget(target)}: the pushed-down aggregate came back partial or capped (${warnings.join('; ') || 'is_partial'})`,
        );
      return json['hits'];
    },
    signal,
  );
  if (hits.length > maxGroups)
    throw new OoPermanentError(
      'oo_pushdown_too_many_groups',
      `${describeTarget(target)}: more than ${maxGroups} series in one window (pushdown_max_groups); raise it or use the streaming mode`,
    );
  const out: MetricAggregate[] = [];
  for (const h of hits) {
    if (!isPlainObject(h)) {
      stats.reject('not_object');
      continue;
    }
    const ts = bucketMs(h['zo_bucket']);
    const count = num(h['zo_count']);
    if (ts === undefined || ts < w.from || ts >= w.to) {
      stats.reject('bad_bucket');
      continue;
    }
    if (count === undefined || count === 0) continue; // a group of points without a value
    const sum = num(h['zo_sum']);
    const min = num(h['zo_min']);
    const max = num(h['zo_max']);
    const p95 = num(h['zo_p95']);
    if (sum === undefined || min === undefined || max === undefined || p95 === undefined) {
      stats.reject('bad_aggregate');
      continue;
    }
    // The group's labels as a row, normalized exactly like a raw point's (resource vs labels).
    const row: Record<string, unknown> = { _timestamp: ts * 1000, value: 0 };
    for (const l of labels) if (h[l] !== undefined && h[l] !== null) row[l] = h[l];
    const point = metricFromOoRow(row, stats, stream);
    if (point === undefined) continue;
    out.push({ point, count, sum, min, max, p95 });
  }
  return out;
}
