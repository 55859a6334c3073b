/**
 * Log-pattern counts for one window: each record is mined into a pattern (fingerprint) by the tenant's
 * dictionary, then counted per (5-minute bucket, resource, fingerprint). Pure and in-memory: the
 * dictionary is the only state that outlives the window, and the caller persists its changes.
 *
 * Duplicates: a record whose source row id (`rowId`) was already seen in the window is not counted
 * again (`duplicate_row`). Without row ids, two equal lines are two lines: a batch ingested without
 * timestamps shares one `_timestamp`, so equal text and time do not make a duplicate.
 */
import type { LogRecord } from '../core/records.js';
import { RejectStats } from '../core/reject-stats.js';
import { resourceUrn } from '../core/urn.js';
import type { Window } from '../core/window.js';
import type { PatternDictionary } from '../patterns/dictionary.js';
import { PARAM, renderToken } from '../patterns/masking.js';
import { AggregatorCounters, type Aggregator } from './aggregator.js';
import { pickAttrs, TraceSampler, type TraceSample } from './trace-sample.js';

export interface LogPatternRow {
  bucket: number;
  resourceUrn: string;
  resourceAttrs: Record<string, string | number | boolean>;
  fingerprint: string;
  countTotal: number;
  countError: number;
  /** A few trace ids of the pattern's lines in this bucket (error lines first), for locators. */
  sampleTraceIds: string[];
  /** The service.name of the resource, for the locator's query hint. */
  service: string | undefined;
  /**
   * The template of this row's own lines: a word is kept where every line of the row has it, else
   * `<*>` ('' when the lines differ in length). Unlike the dictionary's pattern, which generalizes
   * with everything mined before, it depends only on the window's data, so a re-run in another
   * order (a replay) gives the same locator.
   */
  template: string;
  /** Correlation: a bounded, coordinated sample of the row's traces (trace-sample.ts). */
  traces: readonly TraceSample[];
}

export interface LogsAggregatorOptions {
  window: Window;
  /** @defaultValue 300_000 */
  bucketMs?: number;
  /** URN for records whose resource has no identity. @defaultValue urn:svc:_/unknown */
  fallbackResourceUrn?: string;
  /** @defaultValue 3 */
  sampleTraceIds?: number;
  /** Traces kept per row for correlation (bottom-K by hash). @defaultValue 8 */
  traceSamples?: number;
  /** Business attribute keys kept on the trace samples. @defaultValue [] */
  businessKeys?: readonly string[];
  rejects?: RejectStats;
}

export interface LogsOutput {
  rows: LogPatternRow[];
  stats: { lines: number; errors: number; patterns: number; rows: number; rejected: Record<string, number> };
}

interface ResourceSlot {
  urn: string;
  bucket: number;
  byFp: Map<string, Acc> | null;
}

interface Acc {
  row: LogPatternRow;
  /** Trace ids tagged with '0' (error line) or '1', so sorting puts error lines first. */
  samples: string[];
  /** Token-wise merge of the row's lines (null: lines of different lengths). */
  tokens: string[] | null;
  traces: TraceSampler;
}

export class LogsAggregator implements Aggregator<LogRecord, LogsOutput> {
  readonly counters: AggregatorCounters;
  readonly #w: Window;
  readonly #bucketMs: number;
  readonly #fallback: string;
  readonly #samples: number;
  readonly #traceSamples: number;
  readonly #keys: readonly string[];
  readonly #dict: PatternDictionary;
  /** bucket → resource URN → fingerprint → row (nested: no key string built and hashed per line). */
  readonly #index = new Map<number, Map<string, Map<string, Acc>>>();
  readonly #acc: Acc[] = [];
  /**
   * Per resource attrs object (sources share one object per resource): its URN, and its row map in
   * the bucket of its last line.
   */
  readonly #resCache = new WeakMap<object, ResourceSlot>();
  /** Row ids seen this window: a row read twice (a repeated page) is one line. */
  readonly #rowIds = new Set<string>();
  #errors = 0;

  constructor(dict: PatternDictionary, opts: LogsAggregatorOptions) {
    this.#dict = dict;
    this.#w = opts.window;
    this.#bucketMs = opts.bucketMs ?? 300_000;
    this.#fallback = opts.fallbackResourceUrn ?? 'urn:svc:_/unknown';
    this.#samples = opts.sampleTraceIds ?? 3;
    this.#traceSamples = opts.traceSamples ?? 8;
    this.#keys = opts.businessKeys ?? [];
    this.counters = new AggregatorCounters(opts.rejects ?? new RejectStats());
  }

  add(rec: LogRecord): void {
    this.counters.in++;
    if (!(rec.ts >= this.#w.from && rec.ts < this.#w.to)) {
      this.counters.reject('outside_window');
      return;
    }
    if (typeof rec.body !== 'string') {
      this.counters.reject('missing_body');
      return;
    }
    if (rec.rowId !== undefined) {
      if (this.#rowIds.has(rec.rowId)) {
        this.counters.reject('duplicate_row');
        return;
      }
      this.#rowIds.add(rec.rowId);
    }
    const attrs = rec.resource.attrs;
    let res = this.#resCache.get(attrs);
    if (res === undefined) {
      res = { urn: resourceUrn(attrs) ?? this.#fallback, bucket: NaN, byFp: null };
      this.#resCache.set(attrs, res);
    }
    const urn = res.urn;
    const mined = this.#dict.mine(rec);
    const bucket = Math.floor(rec.ts / this.#bucketMs) * this.#bucketMs;
    let byFp = res.byFp;
    if (byFp === null || res.bucket !== bucket) {
      // A window is mostly one bucket: the resource's row map is found once, not per line.
      let byUrn = this.#index.get(bucket);
      if (byUrn === undefined) this.#index.set(bucket, (byUrn = new Map()));
      let m = byUrn.get(urn);
      if (m === undefined) byUrn.set(urn, (m = new Map()));
      res.bucket = bucket;
      res.byFp = byFp = m;
    }
    let a = byFp.get(mined.fingerprint);
    if (a === undefined) {
      const svc = attrs['service.name'];
      a = {
        row: {
          bucket,
          resourceUrn: urn,
          resourceAttrs: attrs,
          fingerprint: mined.fingerprint,
          countTotal: 0,
          countError: 0,
          sampleTraceIds: [],
          service: typeof svc === 'string' ? svc : undefined,
          template: '',
          traces: [],
        },
        samples: [],
        tokens: [...mined.tokens],
        traces: new TraceSampler(this.#traceSamples),
      };
      byFp.set(mined.fingerprint, a);
      this.#acc.push(a);
    } else if (a.tokens !== null) mergeTokens(a, mined.tokens);
    a.row.countTotal++;
    if (mined.isError) {
      a.row.countError++;
      this.#errors++;
    }
    if (rec.traceId) {
      addSample(a.samples, rec.traceId, mined.isError, this.#samples);
      a.traces.add(rec.traceId, rec.spanId, mined.isError, pickAttrs(rec.attrs, this.#keys));
    }
  }

  finish(): LogsOutput {
    const acc = resolveRenamed(this.#acc, this.#dict, this.#samples);
    const patterns = new Set(acc.map((a) => a.row.fingerprint));
    const rows = acc.map((a) => ({
      ...a.row,
      sampleTraceIds: a.samples.map((t) => t.slice(1)),
      template: a.tokens === null ? '' : a.tokens.map(renderToken).join(' '),
      traces: a.traces.samples,
    }));
    rows.sort((x, y) => x.bucket - y.bucket || cmp(x.resourceUrn, y.resourceUrn) || cmp(x.fingerprint, y.fingerprint));
    this.counters.out = rows.length;
    return {
      rows,
      stats: {
        lines: this.counters.in - this.counters.rejected,
        errors: this.#errors,
        patterns: patterns.size,
        rows: rows.length,
        rejected: this.counters.rejects.toJSON(),
      },
    };
  }
}

/**
 * A pattern renamed or merged during the window (drain.ts: fingerprints follow the template) is
 * counted under the fingerprint it has at the end: rows of its former names move there, and rows
 * that meet on one (bucket, resource, fingerprint) are added up. Counts, samples and the row
 * template are the same as if the lines had had that name all along.
 */
function resolveRenamed(all: readonly Acc[], dict: PatternDictionary, maxSamples: number): Acc[] {
  const out: Acc[] = [];
  const byKey = new Map<string, Acc>();
  for (const a of all) {
    const fp = dict.resolve(a.row.fingerprint);
    const key = `${a.row.bucket}\u0000${a.row.resourceUrn}\u0000${fp}`;
    const into = byKey.get(key);
    if (into === undefined) {
      if (fp !== a.row.fingerprint) a.row.fingerprint = fp;
      byKey.set(key, a);
      out.push(a);
      continue;
    }
    into.row.countTotal += a.row.countTotal;
    into.row.countError += a.row.countError;
    for (const t of a.samples) addSample(into.samples, t.slice(1), t.charCodeAt(0) === 48, maxSamples);
    if (into.tokens !== null) {
      if (a.tokens === null) into.tokens = null;
      else mergeTokens(into, a.tokens);
    }
  }
  return out;
}

function mergeTokens(a: Acc, line: readonly string[]): void {
  const t = a.tokens!;
  if (t.length !== line.length) {
    a.tokens = null;
    return;
  }
  for (let i = 0; i < t.length; i++) if (t[i] !== line[i] && t[i] !== PARAM) t[i] = PARAM;
}

/**
 * Keeps up to `max` trace ids, error lines first, then the smallest ids: the choice does not depend
 * on the order records arrive in, so a re-run picks the same samples.
 */
function addSample(list: string[], id: string, isError: boolean, max: number): void {
  // Full and not smaller than the largest kept: nothing to do (most lines), without building the tag.
  if (list.length >= max && list.length > 0 && !tagBefore(isError, id, list[list.length - 1]!)) return;
  const tagged = (isError ? '0' : '1') + id;
  if (list.includes(tagged)) return;
  if (list.length < max) {
    list.push(tagged);
    list.sort();
    return;
  }
  if (tagged < list[list.length - 1]!) {
    list[list.length - 1] = tagged;
    list.sort();
  }
}

/** Whether the tag of (isError, id) sorts before `tagged`, without building it. */
function tagBefore(isError: boolean, id: string, tagged: string): boolean {
  const t = isError ? 48 : 49;
  const c = tagged.charCodeAt(0);
  if (t !== c) return t < c;
  // Code-unit order of id against tagged[1..], as string `<` compares.
  const n = Math.min(id.length, tagged.length - 1);
  for (let i = 0; i < n; i++) {
    const x = id.charCodeAt(i);
    const y = tagged.charCodeAt(i + 1);
    if (x !== y) return x < y;
  }
  return id.length < tagged.length - 1;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
