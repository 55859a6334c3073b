/**
 * A mergeable quantile sketch: a thin wrapper over @datadog/sketches-js `DDSketch`.
 *
 * Error guarantee: with relative accuracy α (default 0.01), `quantile(q)` returns a value v with
 * |v − x| ≤ α·|x|, where x is the exact sorted value at 0-based index ⌊q·(n−1)⌋ (the library's rank
 * definition; see service-graph.md §4: for 10, 20, 30, 40, 100 the p95 is ≈ 40, not 88 or 100).
 * Results are also clamped to [min, max] of the values added, which keeps the guarantee and makes a
 * single repeated value come back exactly.
 *
 * Serialization is the standard DDSketch protobuf (readable by every DDSketch implementation); each store
 * is written dense-but-trimmed or sparse, whichever is smaller (the library's own `toProto` pads to
 * 128-bin chunks: ~1 KB for one value; ours: ~45 bytes). The protobuf has no count/sum/min/max fields
 * besides the bins, so `fromBytes` restores `count` exactly but needs `summary` for sum/min/max (rows
 * store them beside the sketch).
 *
 * Two library defects are worked around here: `merge` ignores the negative-value store, and `fromProto`
 * drops min/max/sum (and cannot read the sparse form). Small sketches (≤ 8 values) keep raw values and build the DDSketch lazily: bins
 * do not depend on insertion order, so the result is identical and memory stays small for the many
 * series that see a handful of points per window.
 */
import { DDSketch } from '@datadog/sketches-js';
import protoRoot from '@datadog/sketches-js/dist/ddsketch/proto/compiled.js';

export const DEFAULT_RELATIVE_ACCURACY = 0.01;
const INLINE_VALUES = 8;

/** Structural view of the library's (untyped-in-places) instances. */
type LibSketch = InstanceType<typeof DDSketch>;

export interface SketchSummary {
  sum?: number;
  min?: number;
  max?: number;
}

export class QuantileSketch {
  readonly relativeAccuracy: number;
  #dd: LibSketch | undefined;
  #inline: number[] | undefined = [];
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  constructor(opts: { relativeAccuracy?: number } = {}) {
    const ra = opts.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
    if (!(ra > 0 && ra < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1) (got ${ra})`);
    this.relativeAccuracy = ra;
  }

  get count(): number {
    return this.#count;
  }
  /** NaN when unknown (deserialized without a summary). */
  get sum(): number {
    return this.#sum;
  }
  /** +Infinity when empty; −Infinity when unknown (deserialized without a summary). */
  get min(): number {
    return this.#min;
  }
  /** −Infinity when empty; +Infinity when unknown (deserialized without a summary). */
  get max(): number {
    return this.#max;
  }

  /** Adds a finite value. Non-finite values are ignored (callers validate and count them). */
  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (this.#inline !== undefined) {
      this.#inline.push(value);
      if (this.#inline.length > INLINE_VALUES) this.#materialize();
    } else {
      (this.#dd as LibSketch).accept(value);
    }
  }

  merge(other: QuantileSketch): void {
    if (other.#count === 0) return;
    if (Math.abs(other.relativeAccuracy - this.relativeAccuracy) > 1e-12) {
      throw new Error(
        `cannot merge sketches of relative accuracy ${other.relativeAccuracy} and ${this.relativeAccuracy}`,
      );
    }
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    if (
      other.#inline !== undefined &&
      this.#inline !== undefined &&
      this.#inline.length + other.#inline.length <= INLINE_VALUES
    ) {
      this.#inline.push(...other.#inline);
      return;
    }
    const mine = this.#materialize();
    if (other.#inline !== undefined) {
      for (const v of other.#inline) mine.accept(v);
      return;
    }
    const theirs = other.#dd as LibSketch;
    const hadValues = mine.count > 0;
    mine.merge(theirs);
    // Library defect: merge() folds in only the positive store (and copies both only when `mine` was empty).
    if (hadValues) mine.negativeStore.merge(theirs.negativeStore);
  }

  /**
   * The value at quantile q ∈ [0, 1] (NaN when empty), within the relative accuracy of the exact value
   * at index ⌊q·(n−1)⌋ of the sorted values.
   */
  quantile(q: number): number {
    if (this.#count === 0 || !(q >= 0 && q <= 1)) return NaN;
    const v = this.#materialize().getValueAtQuantile(q);
    if (v < this.#min) return this.#min;
    if (v > this.#max) return this.#max;
    return v;
  }

  /**
   * Standard DDSketch protobuf bytes. Each store is written in the smaller of the two forms the format
   * allows: contiguous bins trimmed to the occupied range, or the sparse `binCounts` map.
   */
  toBytes(): Uint8Array {
    const dd = this.#materialize();
    const mapping = dd.mapping.toProto();
    return proto.DDSketch.encode(
      proto.DDSketch.create({
        mapping,
        positiveValues: encodeStore(dd.store),
        negativeValues: encodeStore(dd.negativeStore),
        zeroCount: dd.zeroCount,
      }),
    ).finish();
  }

  toBase64(): string {
    return Buffer.from(this.toBytes()).toString('base64');
  }

  /**
   * Decodes `toBytes` output or any DDSketch protobuf with a logarithmic mapping and no index offset
   * (what the Go/Java/Python implementations write by default). The library's own `fromProto` cannot
   * be used: it ignores the sparse `binCounts` form.
   */
  static fromBytes(bytes: Uint8Array, summary: SketchSummary = {}): QuantileSketch {
    const msg = proto.DDSketch.decode(bytes);
    const gamma = msg.mapping?.gamma;
    if (gamma === undefined || !(gamma > 1)) throw new Error('DDSketch bytes: missing or invalid mapping gamma');
    if ((msg.mapping?.indexOffset ?? 0) !== 0 || (msg.mapping?.interpolation ?? 0) !== 0) {
      throw new Error('DDSketch bytes: only the logarithmic mapping without index offset is supported');
    }
    // Keep the nominal accuracy when it is a float round-trip of one (0.009999999999999957 → 0.01).
    const ra = Math.round(((gamma - 1) / (gamma + 1)) * 1e9) / 1e9;
    const s = new QuantileSketch({ relativeAccuracy: ra });
    const dd = new DDSketch({ relativeAccuracy: ra });
    decodeStore(msg.positiveValues, dd.store);
    decodeStore(msg.negativeValues, dd.negativeStore);
    dd.zeroCount = msg.zeroCount ?? 0;
    dd.count = dd.store.count + dd.negativeStore.count + dd.zeroCount;
    s.#inline = undefined;
    s.#dd = dd;
    s.#count = dd.count;
    s.#sum = summary.sum ?? NaN;
    s.#min = summary.min ?? -Infinity;
    s.#max = summary.max ?? Infinity;
    return s;
  }

  static fromBase64(text: string, summary?: SketchSummary): QuantileSketch {
    return QuantileSketch.fromBytes(new Uint8Array(Buffer.from(text, 'base64')), summary);
  }

  #materialize(): LibSketch {
    if (this.#dd === undefined) this.#dd = new DDSketch({ relativeAccuracy: this.relativeAccuracy });
    if (this.#inline !== undefined) {
      for (const v of this.#inline) this.#dd.accept(v);
      this.#inline = undefined;
    }
    return this.#dd;
  }
}

type Store = LibSketch['store'];

interface ProtoStore {
  binCounts?: Record<string, number>;
  contiguousBinCounts?: number[];
  contiguousBinIndexOffset?: number;
}
interface ProtoSketch {
  mapping?: { gamma?: number; indexOffset?: number; interpolation?: number };
  positiveValues?: ProtoStore;
  negativeValues?: ProtoStore;
  zeroCount?: number;
}
interface ProtoType<T> {
  create(props: T): T;
  encode(msg: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}
/** The library's generated protobuf code (DDSketch.proto), typed for the parts used here. */
const proto = protoRoot as unknown as { DDSketch: ProtoType<ProtoSketch> };

/** Bytes per non-empty bin in the sparse map form vs per bin in the contiguous form. */
const SPARSE_BIN_BYTES = 14;
const DENSE_BIN_BYTES = 8;

function encodeStore(st: Store): ProtoStore {
  if (st.count === 0) return {};
  const from = st.minKey - st.offset;
  const to = st.maxKey - st.offset + 1;
  let nonEmpty = 0;
  for (let i = from; i < to; i++) if ((st.bins[i] as number) !== 0) nonEmpty++;
  if (nonEmpty * SPARSE_BIN_BYTES < (to - from) * DENSE_BIN_BYTES) {
    const binCounts: Record<string, number> = {};
    for (let i = from; i < to; i++) {
      const c = st.bins[i] as number;
      if (c !== 0) binCounts[String(i + st.offset)] = c;
    }
    return { binCounts };
  }
  return { contiguousBinCounts: st.bins.slice(from, to), contiguousBinIndexOffset: st.minKey };
}

function decodeStore(p: ProtoStore | undefined, into: Store): void {
  if (!p) return;
  const off = p.contiguousBinIndexOffset ?? 0;
  const bins = p.contiguousBinCounts ?? [];
  for (let i = 0; i < bins.length; i++) {
    const c = bins[i] as number;
    if (c > 0) into.add(off + i, c);
  }
  for (const [k, c] of Object.entries(p.binCounts ?? {})) if (c > 0) into.add(Number(k), c);
}

/** The exact value the sketch approximates: sorted[⌊q·(n−1)⌋] (for tests and oracles). */
export function exactQuantile(sortedAscending: readonly number[], q: number): number {
  if (sortedAscending.length === 0) return NaN;
  const i = Math.floor(q * (sortedAscending.length - 1));
  return sortedAscending[i] as number;
}
