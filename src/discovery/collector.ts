/**
 * Attribute discovery over the records a summary job already reads (no second read of OO): every
 * (namespace, name) per signal, its attribute keys and their values, and its distinct attribute sets,
 * each with first seen, last seen and a count, per debounce window. Pure and in-memory, like an
 * aggregator: it sees the window's records through `add` and hands its entries over in `finish`.
 *
 * Nothing is sampled: each record's every key and value is looked at, so a value that occurs once in
 * a million records is kept. Memory is bounded by the caps (values per key, keys per name, sets per
 * name, names), never by the number of records; what a cap turns away is counted in an overflow
 * counter (stored with the entry), so a 1-million-value label costs at most `maxValuesPerKey` entries.
 *
 * Namespace = the resource's service.name ('_' without one). Name = the metric name, the span name
 * (operation), or the log stream. Keys = the record's labels / attributes and its resource attributes.
 */
import type { Attrs, TelemetryRecord } from '../core/records.js';

export type Signal = 'metric' | 'log' | 'span';
export const SIGNAL_OF = { metric: 'metric', log: 'log', span: 'span' } as const satisfies Record<
  TelemetryRecord['kind'],
  Signal
>;

export interface CollectorOptions {
  /** Debounce window length in ms; entries are kept per window start. */
  debounceMs: number;
  maxValuesPerKey: number;
  maxKeysPerName: number;
  maxSetsPerName: number;
  /**
   * A key with more distinct values than this (per name and job window) is left out of the name's
   * attribute sets. @defaultValue Infinity
   */
  maxSetValuesPerKey?: number;
  maxNames: number;
  /** The name of log records (the stream they were read from). @defaultValue 'default' */
  logName?: string;
}

export interface Seen {
  first: number;
  last: number;
  count: number;
}

export interface KeyEntry extends Seen {
  values: Map<string, Seen>;
  valuesOverflow: number;
  /** More distinct values than maxSetValuesPerKey: an identifier, left out of sets. */
  inSets: boolean;
}

/** A value as the collector holds it: with its key and two random words for the set hash. */
interface ValueRef extends Seen {
  key: string;
  /** The key's entry, so a resolved resource value counts its key without a lookup. */
  ke: KeyEntry;
  value: string;
  h1: number;
  h2: number;
}

/**
 * A resource's values under one name, counted once per record here and added to the values (and
 * their keys) in `finish`: a resource carries a dozen attributes, and counting each per record was
 * most of the collector's time on logs.
 */
interface ResourceRefs extends Seen {
  refs: ValueRef[];
}

export interface SetEntry extends Seen {
  attrs: Record<string, string>;
}

export interface NameEntry extends Seen {
  windowStart: number;
  namespace: string;
  name: string;
  keys: Map<string, KeyEntry>;
  keysOverflow: number;
  sets: Map<number, SetEntry>;
  setsOverflow: number;
  /** Resolved (key, value) entries of each resource attrs object seen with this name (shared objects). */
  resources: Map<Attrs, ResourceRefs | null>;
}

export interface DiscoveryOutput {
  signal: Signal;
  names: NameEntry[];
  /** Records whose (namespace, name) was turned away by maxNames. */
  namesOverflow: number;
  records: number;
}

const NO_SERVICE = '_';

interface ResourceSlot {
  ns: string;
  ws: number;
  name: string;
  e: NameEntry | undefined;
}

/** Adds `b`'s occurrences to `a`. */
function add(a: Seen, b: Seen): void {
  if (b.first < a.first) a.first = b.first;
  if (b.last > a.last) a.last = b.last;
  a.count += b.count;
}

function seen(e: Seen, ts: number): void {
  if (ts < e.first) e.first = ts;
  if (ts > e.last) e.last = ts;
  e.count++;
}

export class DiscoveryCollector {
  readonly signal: Signal;
  readonly #o: Required<CollectorOptions>;
  /** window start → namespace → name → entry. */
  readonly #index = new Map<number, Map<string, Map<string, NameEntry>>>();
  readonly #entries: NameEntry[] = [];
  /** Per resource attrs object: its namespace, and its entry for the last (window, name) seen. */
  readonly #nsCache = new WeakMap<Attrs, ResourceSlot>();
  #namesOverflow = 0;
  #records = 0;
  /** Scratch list of the record's value entries for its set (reused: no array per record). */
  readonly #refs: ValueRef[] = [];
  #seed = 0x2545f491;

  constructor(signal: Signal, opts: CollectorOptions) {
    this.signal = signal;
    this.#o = { logName: 'default', maxSetValuesPerKey: Infinity, ...opts };
    if (!(opts.debounceMs > 0)) throw new RangeError(`debounceMs must be positive (got ${opts.debounceMs})`);
  }

  add(r: TelemetryRecord): void {
    let name: string;
    let ts: number;
    let attrs: Attrs | undefined;
    if (r.kind === 'metric') {
      name = r.name;
      ts = r.ts;
      attrs = r.labels;
    } else if (r.kind === 'span') {
      name = r.name;
      ts = r.start;
      attrs = r.attrs;
    } else {
      name = this.#o.logName;
      ts = r.ts;
      attrs = r.attrs;
    }
    if (typeof name !== 'string' || !Number.isFinite(ts)) return; // the aggregator counts the rejection
    this.#records++;
    const res = r.resource?.attrs;
    const ws = Math.floor(ts / this.#o.debounceMs) * this.#o.debounceMs;
    let e: NameEntry | undefined;
    if (res === undefined) e = this.#entry(ws, NO_SERVICE, name, ts);
    else {
      // A resource's records mostly share one (window, name): its entry is found once, not per record.
      const slot = this.#namespace(res);
      e = slot.e;
      if (e === undefined || slot.ws !== ws || slot.name !== name) {
        e = this.#entry(ws, slot.ns, name, ts);
        if (e !== undefined) {
          slot.e = e;
          slot.ws = ws;
          slot.name = name;
        }
      }
    }
    if (e === undefined) {
      this.#namesOverflow++;
      return;
    }
    seen(e, ts);
    const refs = this.#refs;
    refs.length = 0;
    if (attrs !== undefined) for (const k in attrs) this.#kv(e, k, attrs[k]!, ts, refs);
    if (res !== undefined) {
      // Sources share one attrs object per resource: resolve its entries once per name, then count.
      const rs = e.resources.get(res);
      if (rs === undefined) {
        const start = refs.length;
        for (const k in res) this.#kv(e, k, res[k]!, ts, refs);
        // null: a cap turned one of them away; such a resource is resolved per record from then on
        const complete = Object.keys(res).length === refs.length - start;
        e.resources.set(res, complete ? { refs: refs.slice(start), first: ts, last: ts, count: 0 } : null);
      } else if (rs === null) {
        for (const k in res) this.#kv(e, k, res[k]!, ts, refs);
      } else {
        seen(rs, ts);
        for (const v of rs.refs) refs.push(v);
      }
    }
    if (this.#o.maxSetsPerName > 0 && refs.length > 0) this.#set(e, refs, ts);
  }

  finish(): DiscoveryOutput {
    for (const e of this.#entries)
      for (const rs of e.resources.values()) {
        if (rs === null || rs.count === 0) continue;
        for (const v of rs.refs) {
          add(v, rs);
          add(v.ke, rs);
        }
        rs.count = 0;
      }
    return { signal: this.signal, names: this.#entries, namesOverflow: this.#namesOverflow, records: this.#records };
  }

  #namespace(res: Attrs): ResourceSlot {
    let slot = this.#nsCache.get(res);
    if (slot === undefined) {
      const s = res['service.name'];
      slot = { ns: typeof s === 'string' && s !== '' ? s : NO_SERVICE, ws: NaN, name: '', e: undefined };
      this.#nsCache.set(res, slot);
    }
    return slot;
  }

  #entry(windowStart: number, namespace: string, name: string, ts: number): NameEntry | undefined {
    let byNs = this.#index.get(windowStart);
    if (byNs === undefined) this.#index.set(windowStart, (byNs = new Map()));
    let byName = byNs.get(namespace);
    if (byName === undefined) byNs.set(namespace, (byName = new Map()));
    let e = byName.get(name);
    if (e === undefined) {
      if (this.#entries.length >= this.#o.maxNames) return undefined;
      e = {
        windowStart,
        namespace,
        name,
        first: ts,
        last: ts,
        count: 0,
        keys: new Map(),
        keysOverflow: 0,
        sets: new Map(),
        setsOverflow: 0,
        resources: new Map(),
      };
      byName.set(name, e);
      this.#entries.push(e);
    }
    return e;
  }

  #kv(e: NameEntry, k: string, v: string | number | boolean, ts: number, refs: ValueRef[]): void {
    let ke = e.keys.get(k);
    if (ke === undefined) {
      if (e.keys.size >= this.#o.maxKeysPerName) {
        e.keysOverflow++;
        return;
      }
      ke = { first: ts, last: ts, count: 0, values: new Map(), valuesOverflow: 0, inSets: true };
      e.keys.set(k, ke);
    }
    seen(ke, ts);
    const value = typeof v === 'string' ? v : String(v);
    let ve = ke.values.get(value) as ValueRef | undefined;
    if (ve === undefined) {
      if (ke.values.size >= this.#o.maxValuesPerKey) {
        ke.valuesOverflow++;
        return; // an overflowing key's values do not enter sets either: that would blow them up too
      }
      ve = { first: ts, last: ts, count: 0, key: k, ke, value, h1: this.#rand(), h2: this.#rand() };
      ke.values.set(value, ve);
      if (ke.inSets && ke.values.size > this.#o.maxSetValuesPerKey) {
        ke.inSets = false;
        if (e.sets.size > 0) this.#strip(e);
      }
    }
    seen(ve, ts);
    refs.push(ve);
  }

  /** xorshift32: the words that identify a value in set hashes (no string hashing per record). */
  #rand(): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed;
  }

  /**
   * The record's attribute set, identified by an order-independent hash of its values' random words
   * (two 32-bit sums, 53 bits kept): no sorting or string building per record. Two different sets
   * collide with probability ~2⁻⁵³ per pair, negligible at a few hundred sets per name.
   */
  #set(e: NameEntry, refs: ValueRef[], ts: number): void {
    let a = 0;
    let b = 0;
    let n = 0;
    for (const r of refs) {
      if (!r.ke.inSets) continue;
      a = (a + r.h1) | 0;
      b = (b + r.h2) | 0;
      n++;
    }
    if (n === 0) return;
    const key = setKey(a, b);
    let se = e.sets.get(key);
    if (se === undefined) {
      if (e.sets.size >= this.#o.maxSetsPerName) {
        e.setsOverflow++;
        return;
      }
      const attrs: Record<string, string> = {};
      const kept = refs.filter((r) => r.ke.inSets);
      for (const k of kept.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))) attrs[k.key] = k.value;
      se = { first: ts, last: ts, count: 0, attrs };
      e.sets.set(key, se);
    }
    seen(se, ts);
  }

  /**
   * The sets recorded before a key turned out to be an identifier hold its values: drop them and
   * merge the sets that become equal, at once (the cap counts the merged sets), so a name's sets do
   * not depend on when in the window its identifiers crossed the limit.
   */
  #strip(e: NameEntry): void {
    const merged = new Map<number, SetEntry>();
    for (const se of e.sets.values()) {
      const attrs: Record<string, string> = {};
      let a = 0;
      let b = 0;
      for (const k in se.attrs) {
        const ref = e.keys.get(k)!.values.get(se.attrs[k]!) as ValueRef;
        if (!ref.ke.inSets) continue;
        attrs[k] = ref.value;
        a = (a + ref.h1) | 0;
        b = (b + ref.h2) | 0;
      }
      if (Object.keys(attrs).length === 0) continue; // only identifiers: nothing co-occurs
      const key = setKey(a, b);
      const m = merged.get(key);
      if (m === undefined) merged.set(key, { ...se, attrs });
      else {
        m.first = Math.min(m.first, se.first);
        m.last = Math.max(m.last, se.last);
        m.count += se.count;
      }
    }
    e.sets = merged;
  }
}

/** Two 32-bit sums → one map key (53 bits kept). */
function setKey(a: number, b: number): number {
  return (a >>> 0) * 2_097_152 + ((b >>> 0) & 0x1fffff);
}
