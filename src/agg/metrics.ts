/**
 * metric_1m: per (bucket, resource URN, metric, label set) count, sum, avg, min, max, p95 and a
 * serialized DDSketch, from the MetricPoints of one window. Pure and in-memory; memory grows with the
 * number of series (capped per metric), never with the number of points.
 *
 * Series identity: the resource URN (core/urn `resourceIdentity` of the point's resource attributes,
 * else of its labels — OpenObserve flattens resource attributes into labels — else
 * `fallbackResourceUrn`, else the point is rejected `no_identity`), the metric name, and the label set.
 * By default every label is part of the set except those that identify the resource
 * (`RESOURCE_IDENTITY_KEYS`, dotted and flattened); `include` / `exclude` change that. Label values
 * become strings (`1` and `"1"` are one series); the set's key is canonical (sorted keys).
 *
 * Cardinality cap: at most `maxSeriesPerMetric` series per metric per window. A point that would open
 * one more goes to its resource's overflow series, labels `{"__overflow__": "true"}`. Overflow series
 * are capped too (same number per metric); beyond that points are dropped. Both are counted.
 *
 * Duplicates: a series has one value per timestamp, so a point equal to one already seen in the window
 * (same timestamp, value, name, labels and resource attributes — a retried remote write, a page read
 * twice) is the same sample and is counted once; the repeat is rejected `duplicate_sample`. Points
 * that differ in any label are different samples even when they aggregate into one series.
 */
import { floorTo } from '../core/windows.js';
import type { Attrs, MetricPoint } from '../core/records.js';
import { RejectStats } from '../core/reject-stats.js';
import { RESOURCE_IDENTITY_KEYS, resourceIdentity } from '../core/urn.js';
import type { Window } from '../core/window.js';
import type { MetricAggregate } from '../sources/source.js';
import { AggregatorCounters, type Aggregator } from './aggregator.js';
import { DEFAULT_RELATIVE_ACCURACY, QuantileSketch } from './sketch.js';

export const OVERFLOW_LABELS: Readonly<Record<string, string>> = Object.freeze({ __overflow__: 'true' });

export interface MetricRow {
  /** Bucket start, epoch ms. */
  bucket: number;
  resourceUrn: string;
  /** Attributes of the resource (first point seen), for dim_resource. */
  resourceAttrs: Attrs;
  metric: string;
  labels: Record<string, string>;
  count: number;
  sum: number;
  avg: number;
  max: number;
  min: number;
  /** From the sketch: within `relativeAccuracy` of the exact value at index ⌊0.95·(n−1)⌋. */
  p95: number;
  /** DDSketch protobuf (sketch.ts), mergeable into coarser buckets; null for pushed-down groups (see addAggregate). */
  sketch: Uint8Array | null;
}

export interface MetricsAggregatorOptions {
  /** Only points with ts in [from, to) are aggregated; others are rejected `outside_window`. */
  window: Window;
  /** @defaultValue 60_000 (1 minute) */
  bucketMs?: number;
  /** Labels that identify a series. @defaultValue all except RESOURCE_IDENTITY_KEYS */
  seriesLabels?: { include?: readonly string[]; exclude?: readonly string[] };
  /** @defaultValue 10_000 */
  maxSeriesPerMetric?: number;
  /** @defaultValue 0.01 */
  relativeAccuracy?: number;
  /** URN for points whose resource has no identity; unset → rejected `no_identity`. */
  fallbackResourceUrn?: string;
  /** Where rejected points are counted (shared with the source's stats if given). */
  rejects?: RejectStats;
}

export interface MetricsStats {
  points: number;
  series: number;
  rows: number;
  /** Points routed to an overflow series, and points dropped because overflow series were capped too. */
  overflowPoints: number;
  droppedPoints: number;
  overflowByMetric: Record<string, number>;
  rejected: Record<string, number>;
}

export interface MetricsOutput {
  rows: MetricRow[];
  stats: MetricsStats;
}

interface Series {
  bucket: number;
  urn: string;
  metric: string;
  labelKey: string;
  labels: Record<string, string>;
  sketch: QuantileSketch;
  /** Pushed-down aggregates merged into this series (addAggregate), instead of points. */
  pre?: { count: number; sum: number; min: number; max: number; p95: number };
}

interface PerMetric {
  series: number;
  overflowSeries: number;
  overflowPoints: number;
  dropped: number;
}

interface Identity {
  urn: string;
  attrs: Attrs;
}

export class MetricsAggregator implements Aggregator<MetricPoint, MetricsOutput> {
  readonly counters: AggregatorCounters;
  readonly #w: Window;
  readonly #bucketMs: number;
  readonly #cap: number;
  readonly #ra: number;
  readonly #fallback: string | undefined;
  readonly #include: ReadonlySet<string> | undefined;
  readonly #exclude: ReadonlySet<string>;
  /** bucket → resource URN → metric → label key → series (nested: no per-point key concatenation). */
  readonly #index = new Map<number, Map<string, Map<string, Map<string, Series>>>>();
  readonly #series: Series[] = [];
  readonly #perMetric = new Map<string, PerMetric>();
  readonly #resourceAttrs = new Map<string, Attrs>();
  readonly #identityCache = new WeakMap<object, Identity | null>();
  /** Every exact sample of the window (see Duplicates above). */
  readonly #samples = new Set<string>();
  /** Canonical key of a resource attrs object (sources share one object per resource). */
  readonly #resourceKeys = new WeakMap<object, string>();
  #finished = false;

  constructor(opts: MetricsAggregatorOptions) {
    this.#w = opts.window;
    this.#bucketMs = opts.bucketMs ?? 60_000;
    this.#cap = opts.maxSeriesPerMetric ?? 10_000;
    this.#ra = opts.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
    this.#fallback = opts.fallbackResourceUrn;
    this.counters = new AggregatorCounters(opts.rejects ?? new RejectStats());
    if (!(this.#bucketMs > 0)) throw new RangeError(`bucketMs must be positive (got ${this.#bucketMs})`);
    if (!(this.#cap >= 1)) throw new RangeError(`maxSeriesPerMetric must be ≥ 1 (got ${this.#cap})`);
    const inc = opts.seriesLabels?.include;
    this.#include = inc ? new Set(inc) : undefined;
    const ex = new Set<string>(opts.seriesLabels?.exclude ?? []);
    if (!inc) {
      for (const k of RESOURCE_IDENTITY_KEYS) {
        ex.add(k);
        ex.add(k.replaceAll('.', '_'));
      }
    }
    this.#exclude = ex;
  }

  add(p: MetricPoint): void {
    if (this.#finished) throw new Error('MetricsAggregator: add() after finish()');
    this.counters.in++;
    const s = this.#seriesOf(p, true);
    if (s !== undefined) s.sketch.add(p.value);
  }

  /**
   * A group the source aggregated (push-down): its series is found exactly as for a point with the
   * group's labels and bucket, and count, sum, min and max add up exactly. Groups that land in one
   * series (labels excluded by series_labels, an overflow series) keep the largest p95 — an upper
   * bound, as p95s do not merge; such rows have no sketch.
   */
  addAggregate(a: MetricAggregate): void {
    if (this.#finished) throw new Error('MetricsAggregator: addAggregate() after finish()');
    this.counters.in++;
    const s = this.#seriesOf(a.point, false);
    if (s === undefined) return;
    const pre = s.pre;
    if (pre === undefined) s.pre = { count: a.count, sum: a.sum, min: a.min, max: a.max, p95: a.p95 };
    else {
      pre.count += a.count;
      pre.sum += a.sum;
      pre.min = Math.min(pre.min, a.min);
      pre.max = Math.max(pre.max, a.max);
      pre.p95 = Math.max(pre.p95, a.p95);
    }
  }

  /** The series a point belongs to (opened if new), or undefined when it is rejected or dropped. */
  #seriesOf(p: MetricPoint, checkValue: boolean): Series | undefined {
    const reject = (reason: string): undefined => {
      this.counters.reject(reason);
      return undefined;
    };
    if (typeof p.ts !== 'number' || !Number.isFinite(p.ts)) return reject('bad_timestamp');
    if (checkValue && (typeof p.value !== 'number' || !Number.isFinite(p.value))) return reject('nan_value');
    if (typeof p.name !== 'string' || p.name === '') return reject('missing_name');
    if (p.ts < this.#w.from || p.ts >= this.#w.to) return reject('outside_window');
    // Label keys sorted once: the sample key takes them all, the series key the kept ones (in order).
    const labelKeys = Object.keys(p.labels).sort();
    if (checkValue) {
      const sample = this.#sampleKey(p, labelKeys);
      if (this.#samples.has(sample)) return reject('duplicate_sample');
      this.#samples.add(sample);
    }
    const id = this.#identity(p);
    if (!id) return reject('no_identity');

    const bucket = floorTo(p.ts, this.#bucketMs);
    const keys = this.#seriesKeys(labelKeys);
    const labelKey = canonicalLabelKey(keys, p.labels);
    const slot = this.#slot(bucket, id.urn, p.name);
    let s = slot.get(labelKey);
    if (s === undefined) {
      const pm = this.#metric(p.name);
      if (pm.series < this.#cap) {
        pm.series++;
        s = this.#open(slot, bucket, id, p.name, labelKey, labelsObject(keys, p.labels));
      } else {
        pm.overflowPoints++;
        s = slot.get(OVERFLOW_KEY);
        if (s === undefined) {
          if (pm.overflowSeries >= this.#cap) {
            pm.dropped++;
            return undefined;
          }
          pm.overflowSeries++;
          s = this.#open(slot, bucket, id, p.name, OVERFLOW_KEY, { ...OVERFLOW_LABELS });
        }
      }
    }
    return s;
  }

  finish(): MetricsOutput {
    if (this.#finished) throw new Error('MetricsAggregator: finish() called twice');
    this.#finished = true;
    const series = [...this.#series].sort(
      (a, b) => a.bucket - b.bucket || cmp(a.urn, b.urn) || cmp(a.metric, b.metric) || cmp(a.labelKey, b.labelKey),
    );
    const rows: MetricRow[] = series.map((s) => {
      const head = {
        bucket: s.bucket,
        resourceUrn: s.urn,
        resourceAttrs: this.#resourceAttrs.get(s.urn) ?? {},
        metric: s.metric,
        labels: s.labels,
      };
      const pre = s.pre;
      if (pre !== undefined) return { ...head, ...pre, avg: pre.sum / pre.count, sketch: null } satisfies MetricRow;
      return {
        ...head,
        count: s.sketch.count,
        sum: s.sketch.sum,
        avg: s.sketch.sum / s.sketch.count,
        max: s.sketch.max,
        min: s.sketch.min,
        p95: s.sketch.quantile(0.95),
        sketch: s.sketch.toBytes(),
      } satisfies MetricRow;
    });
    this.counters.out = rows.length;
    let overflowPoints = 0;
    let droppedPoints = 0;
    const overflowByMetric: Record<string, number> = {};
    for (const [m, pm] of [...this.#perMetric.entries()].sort(([a], [b]) => cmp(a, b))) {
      overflowPoints += pm.overflowPoints;
      droppedPoints += pm.dropped;
      if (pm.overflowPoints > 0) overflowByMetric[m] = pm.overflowPoints;
    }
    return {
      rows,
      stats: {
        points: this.counters.in,
        series: this.#series.length,
        rows: rows.length,
        overflowPoints,
        droppedPoints,
        overflowByMetric,
        rejected: this.counters.rejects.toJSON(),
      },
    };
  }

  #slot(bucket: number, urn: string, metric: string): Map<string, Series> {
    let byUrn = this.#index.get(bucket);
    if (byUrn === undefined) this.#index.set(bucket, (byUrn = new Map()));
    let byMetric = byUrn.get(urn);
    if (byMetric === undefined) byUrn.set(urn, (byMetric = new Map()));
    let byLabels = byMetric.get(metric);
    if (byLabels === undefined) byMetric.set(metric, (byLabels = new Map()));
    return byLabels;
  }

  #open(
    slot: Map<string, Series>,
    bucket: number,
    id: Identity,
    metric: string,
    labelKey: string,
    labels: Record<string, string>,
  ): Series {
    const s: Series = {
      bucket,
      urn: id.urn,
      metric,
      labelKey,
      labels,
      sketch: new QuantileSketch({ relativeAccuracy: this.#ra }),
    };
    slot.set(labelKey, s);
    this.#series.push(s);
    if (!this.#resourceAttrs.has(id.urn)) this.#resourceAttrs.set(id.urn, id.attrs);
    return s;
  }

  #metric(name: string): PerMetric {
    let pm = this.#perMetric.get(name);
    if (pm === undefined) {
      pm = { series: 0, overflowSeries: 0, overflowPoints: 0, dropped: 0 };
      this.#perMetric.set(name, pm);
    }
    return pm;
  }

  #identity(p: MetricPoint): Identity | undefined {
    const attrs = p.resource?.attrs ?? {};
    const cached = this.#identityCache.get(attrs);
    if (cached !== undefined) return cached ?? this.#fromLabels(p);
    const id = resourceIdentity(attrs);
    const v: Identity | null = id ? { urn: id.urn, attrs } : null;
    this.#identityCache.set(attrs, v);
    return v ?? this.#fromLabels(p);
  }

  #fromLabels(p: MetricPoint): Identity | undefined {
    const id = resourceIdentity(p.labels);
    if (id) {
      const attrs: Attrs = {};
      for (const k of RESOURCE_IDENTITY_KEYS) {
        for (const kk of [k, k.replaceAll('.', '_')]) {
          const v = p.labels[kk];
          if (v !== undefined) attrs[k] = v;
        }
      }
      return { urn: id.urn, attrs };
    }
    return this.#fallback === undefined ? undefined : { urn: this.#fallback, attrs: {} };
  }

  #sampleKey(p: MetricPoint, sortedLabelKeys: readonly string[]): string {
    const attrs = p.resource?.attrs ?? {};
    let res = this.#resourceKeys.get(attrs);
    if (res === undefined) {
      res = canonicalLabelKey(Object.keys(attrs).sort(), attrs);
      this.#resourceKeys.set(attrs, res);
    }
    return `${p.ts}\x00${p.value}\x00${p.name}\x00${res}\x00${canonicalLabelKey(sortedLabelKeys, p.labels)}`;
  }

  /** The series-identifying keys among a point's sorted label keys (stays sorted). */
  #seriesKeys(sortedLabelKeys: readonly string[]): string[] {
    const out: string[] = [];
    for (const k of sortedLabelKeys) {
      if (this.#include !== undefined && !this.#include.has(k)) continue;
      if (this.#exclude.has(k)) continue;
      out.push(k);
    }
    return out;
  }
}

/**
 * Canonical, unambiguous key of a label set (keys sorted): `k1 \x01 v1 \x02 k2 \x01 v2 …`, or, when a
 * key or value itself contains \x01 or \x02, the JSON of [k1, v1, k2, v2, …] (JSON never contains a
 * raw \x01, so the two forms cannot collide).
 */
export function canonicalLabelKey(sortedKeys: readonly string[], labels: Attrs): string {
  let out = '';
  for (let i = 0; i < sortedKeys.length; i++) {
    const k = sortedKeys[i] as string;
    const v = String(labels[k]);
    if (hasSeparator(k) || hasSeparator(v)) {
      const flat: string[] = [];
      for (const kk of sortedKeys) flat.push(kk, String(labels[kk]));
      return JSON.stringify(flat);
    }
    out += (i === 0 ? '' : '\x02') + k + '\x01' + v;
  }
  return out;
}

function hasSeparator(s: string): boolean {
  return s.includes('\x01') || s.includes('\x02');
}

const OVERFLOW_KEY = canonicalLabelKey(['__overflow__'], { __overflow__: 'true' });

function labelsObject(sortedKeys: readonly string[], labels: Attrs): Record<string, string> {
  const o: Record<string, string> = {};
  for (const k of sortedKeys) o[k] = String(labels[k]);
  return o;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
