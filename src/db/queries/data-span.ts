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

/** chooseSpan over the tenant's newest bucket of `dataset`, read from the database. */
export async function resolveSpan(
  db: Queryable,
  q: { tenantId: number; dataset: Dataset; since: number; now: number; at?: number | null },
): Promise<ResolvedSpan> {
  const ext = (await dataExtents(db, q.tenantId))[q.dataset];
  return chooseSpan({
    since: q.since,
    now: q.now,
    at: q.at ?? null,
    newestEnd: toMs(ext.newest_end),
    step: ext.step_ms,
  });
}
