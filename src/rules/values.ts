/**
 * A rule's value over the rows of one group: count, sum, avg, min, max, distinct count, ratio of
 * sums, and quantiles from the rows' merged DDSketches. Percentiles are never averaged: a p95 over
 * several buckets or series merges their sketches (src/agg/sketch.ts) and reads the quantile once.
 */
import { QuantileSketch } from '../agg/sketch.js';
import type { CompareOp, ValueSpec } from './config.js';
import type { SummaryRow } from './fields.js';

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function quantileOf(spec: ValueSpec): number | null {
  if (spec.agg === 'p50') return 0.5;
  if (spec.agg === 'p95') return 0.95;
  if (spec.agg === 'p99') return 0.99;
  if (spec.agg === 'quantile') return spec.q ?? null;
  return null;
}

/** The value of `spec` over `rows`; null when it has none (no rows, no numbers, no sketch, 0/0). */
export function aggregate(spec: ValueSpec, rows: readonly SummaryRow[]): number | null {
  if (spec.agg === 'count') return rows.length;
  const q = quantileOf(spec);
  if (q !== null) {
    let merged: QuantileSketch | null = null;
    for (const r of rows) {
      if (!r.sketch) continue;
      const s = QuantileSketch.fromBytes(r.sketch);
      if (merged === null) merged = s;
      else merged.merge(s);
    }
    if (merged === null) {
      // One row read without its sketch (see store/read.ts): its stored quantile is its sketch's.
      const stored = rows.length === 1 ? storedQuantile(rows[0]!, q) : null;
      return stored;
    }
    if (merged.count === 0) return null;
    const v = merged.quantile(q);
    return Number.isFinite(v) ? v : null;
  }
  if (spec.agg === 'ratio') {
    let a = 0;
    let b = 0;
    for (const r of rows) {
      a += num(r.fields[spec.num!]) ?? 0;
      b += num(r.fields[spec.den!]) ?? 0;
    }
    return b === 0 ? null : a / b;
  }
  if (spec.agg === 'distinct') {
    const seen = new Set<string>();
    for (const r of rows) {
      const v = r.fields[spec.field!];
      if (v !== undefined && v !== null) seen.add(String(v));
    }
    return seen.size;
  }
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const r of rows) {
    const v = num(r.fields[spec.field!]);
    if (v === null) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return null;
  switch (spec.agg) {
    case 'sum':
      return sum;
    case 'avg':
      return sum / n;
    case 'min':
      return min;
    case 'max':
      return max;
    default:
      return null;
  }
}

/** The quantile a summary row stores (p95_ms / p50_ms of an edge, p95 of a metric), if any. */
function storedQuantile(r: SummaryRow, q: number): number | null {
  const v = q === 0.95 ? (r.fields.p95_ms ?? r.fields.p95) : q === 0.5 ? r.fields.p50_ms : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function compare(v: number, op: CompareOp, t: number): boolean {
  switch (op) {
    case '>':
      return v > t;
    case '>=':
      return v >= t;
    case '<':
      return v < t;
    case '<=':
      return v <= t;
    case '==':
      return v === t;
    case '!=':
      return v !== t;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
