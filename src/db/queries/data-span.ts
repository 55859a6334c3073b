/**
 * When a tenant's summaries begin and end, and the span a read with a default time range covers.
 *
 * A read "over the last 30 minutes" that is run an hour after the last window (`run --once`, then a
 * coffee) finds nothing and says so, although the data is there. Every such read resolves its span
 * here instead: relative to now while now's span holds data of the tenant, otherwise the same length
 * ending at the end of the newest bucket, and it always says where the newest data is.
 */
import type { Queryable } from '../types.js';
import { iso, readSql, toMs } from './sql-file.js';

export type Dataset = 'calls' | 'metrics' | 'logs';

/** One summary table's extent for a tenant (ISO; null when the tenant has no rows there). */
export interface DatasetExtent {
  dataset: Dataset;
  /** Start of the oldest bucket. */
  oldest: string | null;
  /** Start of the newest bucket. */
  newest: string | null;
  /** End of the newest bucket (newest + the table's step): where data ends. */
  newest_end: string | null;
  step_ms: number;
}

export async function dataExtents(db: Queryable, tenantId: number): Promise<Record<Dataset, DatasetExtent>> {
  const r = await db.query<{ dataset: Dataset; step_ms: number; oldest: Date | null; newest: Date | null }>(
    readSql('data-span'),
    [tenantId],
  );
  const out = {} as Record<Dataset, DatasetExtent>;
  for (const x of r.rows) {
    const newest = toMs(x.newest);
    const step = Number(x.step_ms);
    out[x.dataset] = {
      dataset: x.dataset,
      oldest: x.oldest === null ? null : iso(toMs(x.oldest)!),
      newest: newest === null ? null : iso(newest),
      newest_end: newest === null ? null : iso(newest + step),
      step_ms: step,
    };
  }
  return out;
}

/** How a span's end was chosen: asked for, now, or the end of the newest data (now's span was empty). */
export type SpanBasis = 'at' | 'now' | 'newest_data';

export interface ResolvedSpan {
  /** epoch ms, half-open [from, to) */
  from: number;
  to: number;
  basis: SpanBasis;
  /** End of the tenant's newest bucket of the dataset (epoch ms), null without data. */
  newestEnd: number | null;
}

/**
 * The span of `since` ms a read covers. With `at`: [at − since, at). Without: [now − since, now) when
 * the tenant has a bucket that starts in it (or no data at all), else the span ending at the end of
 * the newest bucket — the data the user most likely meant, instead of an empty answer.
 */
export function chooseSpan(o: {
  since: number;
  now: number;
  at?: number | null;
  newestEnd: number | null;
  step: number;
}): ResolvedSpan {
  if (o.at != null) return { from: o.at - o.since, to: o.at, basis: 'at', newestEnd: o.newestEnd };
  const newestStart = o.newestEnd === null ? null : o.newestEnd - o.step;
  if (newestStart === null || newestStart >= o.now - o.since) {
    return { from: o.now - o.since, to: o.now, basis: 'now', newestEnd: o.newestEnd };
  }
  return { from: o.newestEnd! - o.since, to: o.newestEnd!, basis: 'newest_data', newestEnd: o.newestEnd };
}

/**
 * What a read with a default range falls back on: a summary table (`Dataset`), the trace samples
 * (`service_call_trace_5m`, `log_pattern_trace_5m`: the correlation reads), the discovery rows, or the
 * events (each read names the data it is made of).
 */
export type SpanSource = Dataset | 'samples' | 'discovery' | 'events';

/** The newest data of a source: its newest bucket, or for record-stamped sources its newest second. */
interface Newest {
  start: number;
  end: number;
}

const BUCKET_MS = 300_000;
const SECOND = 1000;

// Sources without buckets (discovery's last_seen, an event's last sighting) end at the second after
// their newest record, so the fallback span [end − since, end) holds that record.
const recordNewest = (t: number | null): Newest | null =>
  t === null ? null : { start: t, end: Math.floor(t / SECOND) * SECOND + SECOND };

const NEWEST_SQL = {
  samples: 'data-newest-samples',
  discovery: 'data-newest-discovery',
  events: 'data-newest-events',
} as const satisfies Record<Exclude<SpanSource, Dataset>, string>;

async function newestOf(db: Queryable, tenantId: number, sources: readonly SpanSource[]): Promise<Newest | null> {
  const found: (Newest | null)[] = [];
  const datasets = sources.filter((s): s is Dataset => s === 'calls' || s === 'metrics' || s === 'logs');
  if (datasets.length > 0) {
    const ext = await dataExtents(db, tenantId);
    for (const d of datasets) {
      const start = toMs(ext[d].newest);
      found.push(start === null ? null : { start, end: start + ext[d].step_ms });
    }
  }
  for (const s of sources) {
    if (s === 'calls' || s === 'metrics' || s === 'logs') continue;
    const r = await db.query<{ newest: Date | null }>(readSql(NEWEST_SQL[s]), [tenantId]);
    const t = toMs(r.rows[0]?.newest ?? null);
    found.push(s === 'samples' ? (t === null ? null : { start: t, end: t + BUCKET_MS }) : recordNewest(t));
  }
  let best: Newest | null = null;
  for (const n of found) if (n !== null && (best === null || n.end > best.end)) best = n;
  return best;
}

/**
 * chooseSpan over the tenant's newest data of `dataset` (of several: the newest of them), read from
 * the database. Every read with a default time range resolves its span here; an explicit `at` is
 * returned as asked (the lookup still says where the data ends).
 */
export async function resolveSpan(
  db: Queryable,
  q: { tenantId: number; dataset: SpanSource | readonly SpanSource[]; since: number; now: number; at?: number | null },
): Promise<ResolvedSpan> {
  const newest = await newestOf(db, q.tenantId, typeof q.dataset === 'string' ? [q.dataset] : q.dataset);
  return chooseSpan({
    since: q.since,
    now: q.now,
    at: q.at ?? null,
    newestEnd: newest?.end ?? null,
    step: newest === null ? 0 : newest.end - newest.start,
  });
}

/** A resolved span as the reads return it (API, CLI `--json`, MCP): which span, why, where data ends. */
export interface SpanFields {
  from: string;
  to: string;
  /** `now`, `at` (asked for), or `newest_data`: now's span held no data of the tenant. */
  span_basis: SpanBasis;
  /** Where the tenant's newest data of the read ends, null when it has none. */
  newest_data: string | null;
}

export function spanFields(s: ResolvedSpan): SpanFields {
  return {
    from: iso(s.from),
    to: iso(s.to),
    span_basis: s.basis,
    newest_data: s.newestEnd === null ? null : iso(s.newestEnd),
  };
}

/**
 * resolveSpan for a read: the range to query (epoch ms) and the fields its answer carries. What the
 * API routes, the CLI and the MCP tools call, so a default range falls back the same way everywhere.
 */
export async function readSpan(
  db: Queryable,
  q: { tenantId: number; dataset: SpanSource | readonly SpanSource[]; since: number; now: number; at?: number | null },
): Promise<{ from: number; to: number; span: SpanFields }> {
  const s = await resolveSpan(db, q);
  return { from: s.from, to: s.to, span: spanFields(s) };
}

/**
 * One sentence on the span a read covered, for people and models: shown by the CLI above its table
 * and returned by the MCP tools as `span_note`. `what` names the data ("call data", "sampled traces").
 */
export function spanNote(s: SpanFields, what: string): string {
  const span = `${s.from} .. ${s.to}`;
  const length = spanLength(s);
  if (s.span_basis === 'newest_data')
    return `span ${span}: the ${length} ending at the newest ${what} (nothing in the ${length} before now)`;
  const newest = s.newest_data === null ? `this tenant has no ${what} yet` : `newest ${what} ends ${s.newest_data}`;
  return `span ${span} (${newest})`;
}

function spanLength(s: { from: string; to: string }): string {
  const ms = Date.parse(s.to) - Date.parse(s.from);
  const m = Math.round(ms / 60_000);
  if (ms % 60_000 !== 0) return `${Math.round(ms / 1000)}s`;
  return m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}
