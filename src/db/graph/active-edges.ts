/**
 * The 10-minute figures of the active call graph, from the service_call_5m buckets of one tenant.
 * Pure: no I/O, no clock (the window's end is the only "now", so a replay gives the same graph).
 */
import { QuantileSketch } from '../../agg/sketch.js';
import type { Window } from '../../core/window.js';

/** An edge is active when it has a bucket in [to − ACTIVE_SPAN_MS, to). */
export const ACTIVE_SPAN_MS = 10 * 60_000;

/** One service_call_5m row as the refresh reads it. */
export interface CallBucket {
  src: number;
  dst: number;
  /** Bucket start, epoch ms. */
  bucket: number;
  calls: number;
  errors: number;
  /** Serialized DDSketch of latencies in ms (src/agg/sketch.ts), null when the writer stored none. */
  sketch: Uint8Array | null;
  p95Ms: number | null;
}

/** One CALLS edge with its figures over the active span. */
export interface ActiveEdge {
  src: number;
  dst: number;
  /** Earliest bucket start of the edge in this span (the refresh keeps the earliest ever seen). */
  firstSeen: number;
  /** Latest bucket start. */
  lastSeen: number;
  calls: number;
  errors: number;
  /** calls / 600: per second over the whole 10-minute span. */
  rps: number;
  /** errors / calls (weighted by calls, not an average of the buckets' rates); 0 without calls. */
  errRate: number;
  /** p95 in ms of the merged sketches; null when no bucket has a latency figure. */
  p95Ms: number | null;
}

/** The span the refresh reads for the window: the 10 minutes before its end. */
export function activeSpan(w: Window): Window {
  return { from: w.to - ACTIVE_SPAN_MS, to: w.to };
}

interface Acc {
  src: number;
  dst: number;
  first: number;
  last: number;
  calls: number;
  errors: number;
  /** Sketch bytes of the buckets, decoded only when there are two or more to merge. */
  sketches: Uint8Array[];
  /** The writer's own p95 of the first bucket with a sketch (the same sketch's figure). */
  onlyP95: number | null;
  missingSketch: boolean;
  maxP95: number | null;
}

/**
 * Groups the buckets by (src, dst). Buckets outside the span are ignored, so the caller may read a
 * wider range. The result is sorted by (src, dst).
 *
 * p95: the seed (appendix B) averages the buckets' p95s, which is not a percentile of anything.
 * Sketches merge exactly (DDSketch bins add up), so the 10-minute p95 here is the p95 of all calls of
 * both buckets, within the sketch's relative accuracy. When a bucket has no sketch (an older writer),
 * the p95 falls back to the largest p95 of the buckets: the p95 of a union never exceeds the largest
 * p95 of its parts, so that is an upper bound, not an average.
 */
export function computeActiveEdges(buckets: Iterable<CallBucket>, w: Window): ActiveEdge[] {
  const span = activeSpan(w);
  const seconds = ACTIVE_SPAN_MS / 1000;
  const byEdge = new Map<string, Acc>();
  for (const b of buckets) {
    if (b.bucket < span.from || b.bucket >= span.to) continue;
    const key = `${b.src}>${b.dst}`;
    let acc = byEdge.get(key);
    if (!acc) {
      acc = {
        src: b.src,
        dst: b.dst,
        first: b.bucket,
        last: b.bucket,
        calls: 0,
        errors: 0,
        sketches: [],
        onlyP95: null,
        missingSketch: false,
        maxP95: null,
      };
      byEdge.set(key, acc);
    }
    acc.first = Math.min(acc.first, b.bucket);
    acc.last = Math.max(acc.last, b.bucket);
    acc.calls += b.calls;
    acc.errors += b.errors;
    if (b.p95Ms !== null && Number.isFinite(b.p95Ms)) acc.maxP95 = Math.max(acc.maxP95 ?? -Infinity, b.p95Ms);
    if (b.sketch && b.sketch.length > 0) {
      if (acc.sketches.length === 0) acc.onlyP95 = b.p95Ms;
      acc.sketches.push(b.sketch);
    } else if (b.calls > 0) {
      acc.missingSketch = true;
    }
  }
  const out: ActiveEdge[] = [];
  for (const a of byEdge.values()) {
    let p95: number | null = a.maxP95;
    if (!a.missingSketch && a.sketches.length === 1 && a.onlyP95 !== null) {
      // One bucket: its own p95 is already that sketch's (decoding costs ~80 µs a sketch).
      p95 = a.onlyP95;
    } else if (!a.missingSketch && a.sketches.length > 0) {
      const merged = QuantileSketch.fromBytes(a.sketches[0] as Uint8Array);
      for (const bytes of a.sketches.slice(1)) merged.merge(QuantileSketch.fromBytes(bytes));
      if (merged.count > 0) p95 = merged.quantile(0.95);
    }
    out.push({
      src: a.src,
      dst: a.dst,
      firstSeen: a.first,
      lastSeen: a.last,
      calls: a.calls,
      errors: a.errors,
      rps: a.calls / seconds,
      errRate: a.calls > 0 ? a.errors / a.calls : 0,
      p95Ms: p95 !== null && Number.isFinite(p95) ? p95 : null,
    });
  }
  return out.sort((x, y) => x.src - y.src || x.dst - y.dst);
}
