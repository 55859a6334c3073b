import type { Dataset } from '../../core/records.js';
import { isPlainObject, microsOf } from '../normalize/values.js';
import { describeTarget, OoPermanentError, type OoTarget, RetryableError } from './errors.js';
import type { OoHttp } from './http.js';

export interface SearchArgs {
  type: Dataset;
  stream: string;
  startUs: number;
  endUs: number;
  size: number;
  /** Ask for the match count instead of rows (OO rewrites to count(*) → `zo_sql_num`). */
  trackTotal?: boolean;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The `_search` request body. `size` is always explicit (without it OO silently caps at 1,000
 * rows); `from` is always 0 because pages are cut by time, not by offset (§1.5).
 */
export function searchBody(a: SearchArgs, timeoutMs: number): Record<string, unknown> {
  const query: Record<string, unknown> = {
    sql: `SELECT * FROM ${quoteIdent(a.stream)} ORDER BY _timestamp ASC`,
    start_time: a.startUs,
    end_time: a.endUs,
    from: 0,
    size: a.size,
    // Quick mode reads only some columns of wide streams; rows must come whole.
    quick_mode: false,
  };
  if (a.trackTotal) query['track_total_hits'] = true;
  return { query, timeout: Math.max(1, Math.ceil(timeoutMs / 1000)), search_type: 'other' };
}

const CAPPED = /capped/i;
const CLAMPED = /range|duration/i;

/**
 * Checks one `_search` answer and returns its hits. A result OO flags as partial or capped is
 * never taken as complete; a clamped range fails the window, other partial answers and rows
 * outside the requested range (a stale or repeated page) are fetched again.
 */
export function acceptSearch(json: unknown, a: SearchArgs, target: OoTarget): { hits: unknown[]; warnings: string[] } {
  if (!isPlainObject(json) || !Array.isArray(json['hits'])) throw new RetryableError('answer has no hits array');
  const warnings = Array.isArray(json['function_error']) ? json['function_error'].map(String) : [];
  const range = `[${new Date(a.startUs / 1000).toISOString()}, ${new Date(a.endUs / 1000).toISOString()})`;
  if (json['is_partial'] === true) {
    const clamped = json['new_start_time'] !== undefined || warnings.some((w) => CLAMPED.test(w));
    if (clamped)
      throw new OoPermanentError(
        'oo_partial',
        `${describeTarget(target)}: OO clamped the query range ${range} (max_query_range or retention) and marked the result partial: ${warnings.join('; ') || 'no detail'} — this window cannot be read completely through the search API`,
      );
    throw new RetryableError(`result marked is_partial for ${range}: ${warnings.join('; ') || 'no detail'}`);
  }
  if (warnings.some((w) => CAPPED.test(w)))
    throw new OoPermanentError(
      'oo_capped',
      `${describeTarget(target)}: OO capped the result (${warnings.join('; ')}) although size=${a.size} was sent`,
    );
  const hits = json['hits'];
  if (a.trackTotal) return { hits, warnings };
  if (hits.length > a.size) throw new RetryableError(`got ${hits.length} hits for size ${a.size}`);
  for (const h of hits) {
    if (!isPlainObject(h)) continue;
    const ts = microsOf(h['_timestamp']);
    if (ts !== undefined && (ts < a.startUs || ts >= a.endUs))
      throw new RetryableError(
        `stale or inconsistent page: a row at ${ts} µs lies outside the requested range ${a.startUs}..${a.endUs}`,
      );
  }
  return { hits, warnings };
}

export async function searchHits(
  http: OoHttp,
  a: SearchArgs,
  target: OoTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown[]> {
  const r = await http.call(
    // use_cache=false: OO's result cache serves from == 0 queries, and a window read again later
    // (revisit) must see rows that arrived since.
    {
      method: 'POST',
      path: '_search',
      params: { type: a.type, use_cache: 'false' },
      body: searchBody(a, timeoutMs),
      target,
    },
    (json) => acceptSearch(json, a, target),
    signal,
  );
  return r.hits;
}

export async function countRows(
  http: OoHttp,
  a: Omit<SearchArgs, 'size' | 'trackTotal'>,
  target: OoTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const hits = await searchHits(http, { ...a, size: 1, trackTotal: true }, target, timeoutMs, signal);
  const first = hits[0];
  const n = isPlainObject(first) ? first['zo_sql_num'] : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new OoPermanentError(
      'oo_bad_response',
      `${describeTarget(target)}: track_total_hits answer has no zo_sql_num count`,
    );
  return n;
}
