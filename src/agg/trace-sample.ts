/**
 * A bounded, deterministic sample of the traces behind one summary row (a log pattern in a bucket,
 * an edge in a bucket), for log ↔ trace correlation.
 *
 * Bottom-K by hash: a row keeps the K distinct trace ids with the smallest hash of the id. The
 * choice depends only on the set of ids, never on arrival order, so a re-run keeps the same sample.
 * And because every row of every job ranks ids by the same hash, samples are coordinated: a trace
 * kept for an edge (among the edge's smallest hashes) is very likely kept for the log patterns its
 * lines fell into too, which is what makes joining samples across tables meaningful (the same idea
 * as bottom-k sketches / coordinated sampling). A sample is a sample: documented as not complete.
 */
import type { Attrs } from '../core/records.js';

export interface TraceSample {
  traceId: string;
  /** A span id of the trace in this row (the first seen with the smallest id: stable). */
  spanId: string | undefined;
  /** Error line (logs) / failed call (edges): true when any of the trace's entries was. */
  flag: boolean;
  /** Entries of this trace in the row (lines, calls). */
  count: number;
  /** The configured business attributes seen on the trace's entries (first value per key wins). */
  attrs: Attrs | undefined;
  hash: number;
}

/** 32-bit FNV-1a of the (lower-cased) trace id; ours, because it must never change between releases. */
export function traceHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    let c = id.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The configured business keys present on `attrs` (undefined when none: no object per record). */
export function pickAttrs(attrs: Attrs | undefined, keys: readonly string[]): Attrs | undefined {
  if (keys.length === 0 || attrs === undefined) return undefined;
  let out: Attrs | undefined;
  for (const k of keys) {
    const v = attrs[k];
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out;
}

export class TraceSampler {
  readonly #max: number;
  /** Sorted by (hash, traceId). Small (K ≤ a few dozen), so arrays beat maps. */
  readonly #items: TraceSample[] = [];

  constructor(max: number) {
    this.#max = Math.max(0, Math.floor(max));
  }

  get samples(): readonly TraceSample[] {
    return this.#items;
  }

  add(traceId: string, spanId: string | undefined, flag: boolean, attrs: Attrs | undefined, n = 1): void {
    if (this.#max === 0) return;
    const id = traceId.toLowerCase();
    const hash = traceHash(id);
    const items = this.#items;
    const full = items.length >= this.#max;
    if (full) {
      const last = items[items.length - 1]!;
      if (hash > last.hash || (hash === last.hash && id > last.traceId)) return; // the common case: one compare
    }
    let i = items.length;
    while (i > 0 && before(hash, id, items[i - 1]!)) i--;
    const prev = i > 0 ? items[i - 1] : undefined;
    if (prev !== undefined && prev.traceId === id) {
      prev.count += n;
      if (flag) prev.flag = true;
      if (spanId !== undefined && (prev.spanId === undefined || spanId < prev.spanId)) prev.spanId = spanId;
      if (attrs !== undefined) prev.attrs = prev.attrs === undefined ? { ...attrs } : { ...attrs, ...prev.attrs };
      return;
    }
    items.splice(i, 0, { traceId: id, spanId, flag, count: n, attrs: attrs && { ...attrs }, hash });
    if (items.length > this.#max) items.pop();
  }

  merge(other: TraceSampler): void {
    for (const s of other.samples) this.add(s.traceId, s.spanId, s.flag, s.attrs, s.count);
  }
}

function before(hash: number, id: string, x: TraceSample): boolean {
  return hash < x.hash || (hash === x.hash && id < x.traceId);
}
