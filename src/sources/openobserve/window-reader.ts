import { isPlainObject, microsOf } from '../normalize/values.js';

/** How one time range is fetched; the reader decides which ranges to ask for. */
export interface RangeSearch {
  /** Rows with start ≤ _timestamp < end, ascending by _timestamp, at most `size`. */
  page(startUs: number, endUs: number, size: number): Promise<unknown[]>;
  /** Number of rows with start ≤ _timestamp < end. */
  count(startUs: number, endUs: number): Promise<number>;
}

export interface ReaderOptions {
  pageSize: number;
  sliceUs: number;
  maxRowsPerInstant: number;
  onTooManyAtInstant(t: number, n: number): Error;
  /**
   * Asked about a short page before it is taken as the whole range; false = the server cut it
   * (some OO releases capped results at 1,000 rows without a warning), so read on as if full.
   */
  confirmShort?(startUs: number, endUs: number, hits: unknown[]): Promise<boolean>;
}

const tsOf = (h: unknown): number | undefined => (isPlainObject(h) ? microsOf(h['_timestamp']) : undefined);

/**
 * Reads every row of [startUs, endUs) exactly once, one page at a time, without offsets.
 *
 * OO's offset paging re-runs the query per page and has no tiebreak for equal timestamps, so rows
 * can repeat or go missing between pages (§1.5). Instead each request asks for the oldest `size`
 * rows of a time range. A short page is the whole range. A full page, sorted ascending, holds
 * every row older than its last timestamp; those are kept and the range restarts at that
 * timestamp (keyset paging on time). A full page of one single microsecond is read whole after a
 * count; an unsorted full page (a server not honouring ORDER BY) splits the range in two.
 */
export async function* readRange(
  s: RangeSearch,
  startUs: number,
  endUs: number,
  o: ReaderOptions,
): AsyncGenerator<unknown[]> {
  for (let a = startUs; a < endUs; a += o.sliceUs) {
    const pending: [number, number][] = [[a, Math.min(endUs, a + o.sliceUs)]];
    while (pending.length > 0) {
      const [lo, hi] = pending.pop()!;
      const hits = await s.page(lo, hi, o.pageSize);
      if (hits.length < o.pageSize && (o.confirmShort === undefined || (await o.confirmShort(lo, hi, hits)))) {
        if (hits.length > 0) yield hits;
        continue;
      }
      const sorted = ascending(hits);
      if (sorted !== undefined && sorted > lo) {
        yield hits.filter((h) => {
          const t = tsOf(h);
          return t === undefined || t < sorted;
        });
        pending.push([sorted, hi]);
      } else if (sorted === undefined && hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        pending.push([mid, hi], [lo, mid]);
      } else {
        yield await readInstant(s, lo, o);
        if (lo + 1 < hi) pending.push([lo + 1, hi]);
      }
    }
  }
}

/** The last timestamp of a page whose timestamps never decrease; undefined when unsorted. */
function ascending(hits: unknown[]): number | undefined {
  let last = -Infinity;
  for (const h of hits) {
    const t = tsOf(h);
    if (t === undefined) continue;
    if (t < last) return undefined;
    last = t;
  }
  return Number.isFinite(last) ? last : undefined;
}

async function readInstant(s: RangeSearch, t: number, o: ReaderOptions): Promise<unknown[]> {
  let n = await s.count(t, t + 1);
  for (;;) {
    if (n > o.maxRowsPerInstant) throw o.onTooManyAtInstant(t, n);
    const hits = await s.page(t, t + 1, n + 1);
    if (hits.length <= n) return hits;
    n = Math.max(n * 2, hits.length);
  }
}
