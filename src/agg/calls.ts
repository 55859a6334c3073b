/**
 * service_call_5m: A→B call edges from spans, with the OpenTelemetry service-graph semantics of
 * ../shared/reference/service-graph.md (§2 pairing algorithm, §3 virtual nodes, §4 columns, §5 URNs).
 *
 * Feed it every span whose start lies in the padded range [from − pad, to + pad); it emits only calls
 * whose anchor lies in [from, to). The anchor is the client (or producer) span's start, or the server
 * span's start when there is no client side. So each call is counted in exactly one window although
 * neighbouring windows read it too, and a pair straddling a bucket edge is counted once, in the
 * client's bucket.
 *
 * Rules, per span (kinds other than client/server/producer/consumer are ignored):
 * - Duplicates (same trace id and span id) count once (bounded fingerprint set, recent-ids.ts).
 * - The span's resource must have an identity (core/urn `resourceIdentity`), else `noIdentity`.
 * - Client/producer with database attributes: a `database` edge at once, client duration, to
 *   urn:db:… . A server span whose parent it is becomes an unpaired server.
 * - Other client/producer spans wait under (trace id, own span id); server/consumer spans under
 *   (trace id, parent span id). When both sides meet, the call is recorded at once with the server
 *   side's duration; connection type `messaging_system` when either side is producer/consumer, else "".
 *   Several servers for one client: the earliest-starting one that is waiting when the client arrives
 *   pairs; servers arriving after the pair completed are unpaired servers.
 * - Root server/consumer (no parent): the caller is a queue (consumer with messaging attributes), the
 *   service named by service.peer.name / peer.service, or urn:user — a `virtual_node` edge
 *   (`messaging_system` for a queue) with the server duration.
 * - At finish (or when the buffer of waiting spans is full: the oldest entry is resolved early and
 *   counted `evicted`), a waiting client becomes an edge to the virtual server its attributes name
 *   (core/urn `clientPeerTarget`) with the client duration, or an `unpairedClient`; a waiting server
 *   (its parent never came) is an `unpairedServer` and dropped.
 * Error: client or server span status error. Latency values in ms (end − start, negatives → 0).
 *
 * Peers named by service name or IP are resolved at finish, when every resource of the window is
 * known, so the result does not depend on the order spans arrive in (only which of several servers
 * pairs does). Memory is bounded by keys: edges, resources, the waiting buffer (`maxPending`) and
 * the dedupe set (`maxRecentIds`), never by the number of spans.
 */
import type { Attrs, Span, SpanKind } from '../core/records.js';
import { RejectStats } from '../core/reject-stats.js';
import {
  URN_USER,
  clientPeerTarget,
  isDatabaseSpan,
  peerTargetKey,
  resolvePeerTarget,
  resourceIdentity,
  rootCallerTarget,
  type PeerDirectory,
  type PeerTarget,
} from '../core/urn.js';
import type { Window } from '../core/window.js';
import { floorTo } from '../core/windows.js';
import { AggregatorCounters, type Aggregator } from './aggregator.js';
import { RecentIds } from './recent-ids.js';
import { pickAttrs, TraceSampler, type TraceSample } from './trace-sample.js';
import { ResourceDirectory } from './resource-directory.js';
import { DEFAULT_RELATIVE_ACCURACY, QuantileSketch } from './sketch.js';

export type ConnectionType = '' | 'messaging_system' | 'database' | 'virtual_node';

/** When one (bucket, src, dst) row collects calls of several types, the first in this list names it. */
const CONNECTION_PRIORITY: readonly ConnectionType[] = ['', 'messaging_system', 'database', 'virtual_node'];

export interface CallRow {
  /** Bucket start, epoch ms. */
  bucket: number;
  srcUrn: string;
  dstUrn: string;
  /** dim_resource.type of each side (`k8s_service`, `service`, `host`, `database`, `queue`, `user`). */
  srcType: string;
  dstType: string;
  /** Resource attributes of instrumented sides (for dim_resource); `{}` for virtual nodes. */
  srcAttrs: Attrs;
  dstAttrs: Attrs;
  connectionType: ConnectionType;
  calls: number;
  errors: number;
  /** calls / bucket seconds (300 for 5m buckets), not per active second. */
  rps: number;
  /** errors / calls, 0..1. */
  errRate: number;
  /** Latency quantiles in ms from the sketch (within its relative accuracy of sorted[⌊q·(n−1)⌋]). */
  p50: number;
  p95: number;
  /** DDSketch protobuf of latencies in ms (sketch.ts). */
  sketch: Uint8Array;
  /** Up to `sampleTraceIds` trace ids of this edge: failed calls first, then smallest ids (stable on re-runs). */
  sampleTraceIds: string[];
  /**
   * Correlation: bounded, coordinated samples (trace-sample.ts) of the edge's failed calls' traces
   * (flag true) and of its healthy ones, each up to `traceSamples`; a trace in both counts as failed.
   */
  traces: TraceSample[];
}

export interface CallsAggregatorOptions {
  /** Calls are emitted only when their anchor (client start, else server start) is in [from, to). */
  window: Window;
  /** Spans starting outside [from − padMs, to + padMs) are ignored (counted `outsideRange`). @defaultValue 60_000 */
  padMs?: number;
  /** @defaultValue 300_000 (5 minutes) */
  bucketMs?: number;
  /** Waiting (unpaired so far) spans kept for pairing; beyond it the oldest is resolved early. @defaultValue 200_000 */
  maxPending?: number;
  /** Span ids remembered per generation for dedupe (recent-ids.ts). @defaultValue 1_000_000 */
  maxRecentIds?: number;
  /** @defaultValue 0.01 */
  relativeAccuracy?: number;
  /** Trace ids kept per edge for locators. @defaultValue 3 */
  sampleTraceIds?: number;
  /** Traces kept per edge for correlation, for failed and for healthy calls each. @defaultValue 8 */
  traceSamples?: number;
  /** Business attribute keys kept on the trace samples (from the client and server spans). @defaultValue [] */
  businessKeys?: readonly string[];
  /** Known resources beyond this window's spans (e.g. from dim_resource), to name peers. */
  directory?: PeerDirectory;
  rejects?: RejectStats;
}

export interface CallsStats {
  /** Spans given to add(). */
  spans: number;
  duplicates: number;
  /** Internal/unspecified spans. */
  ignoredKind: number;
  noIdentity: number;
  /** Spans starting outside the padded range. */
  outsideRange: number;
  // Outcomes of calls anchored in [from, to):
  paired: number;
  database: number;
  /** Unpaired client/producer spans emitted as an edge to a virtual server (host, service, queue). */
  virtualServer: number;
  /** Root server/consumer spans emitted as an edge from urn:user, a named service or a queue. */
  virtualClient: number;
  /** Client/producer spans without a server and without attributes that name a peer: dropped. */
  unpairedClient: number;
  /** Server/consumer spans whose parent never arrived (or that lost to an earlier server): dropped. */
  unpairedServer: number;
  /** Calls anchored in the padding (they belong to a neighbouring window). */
  outsideWindow: number;
  /** Waiting spans resolved early because `maxPending` was reached (raise it if > 0). */
  evicted: number;
  maxPendingSeen: number;
  dedupeRotations: number;
  rows: number;
  rejected: Record<string, number>;
}

export interface CallsOutput {
  rows: CallRow[];
  stats: CallsStats;
}

/** An instrumented resource, interned by URN. */
interface Res {
  urn: string;
  type: string;
  attrs: Attrs;
  k8sNs: string | undefined;
}

/** One side of a call, as kept while waiting for its partner. */
interface Half {
  res: Res;
  start: number;
  dur: number;
  error: boolean;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  /** Business attributes of the span (correlation). */
  biz: Attrs | undefined;
  /** Span attributes of a waiting client, to name a virtual server later. */
  attrs: Attrs | undefined;
}

interface Pending {
  client?: Half;
  server?: Half;
}

/** A node of an edge before resolution: a known URN, or a target to resolve at finish. */
interface NodeRef {
  key: string;
  res?: Res;
  urn?: string;
  target?: PeerTarget;
}

interface EdgeAcc {
  bucket: number;
  src: NodeRef;
  dst: NodeRef;
  typeRank: number;
  calls: number;
  errors: number;
  sketch: QuantileSketch;
  samples: Sample[];
  failedTraces: TraceSampler;
  healthyTraces: TraceSampler;
  /** Calls counted as virtualServer that are undone if dst cannot be resolved. */
  virtualServerCalls: number;
}

interface Sample {
  traceId: string;
  failed: boolean;
}

const SEP = '\u0000';
const USER_NODE: NodeRef = { key: URN_USER, urn: URN_USER };

export class CallsAggregator implements Aggregator<Span, CallsOutput> {
  readonly counters: AggregatorCounters;
  readonly #w: Window;
  readonly #pad: number;
  readonly #bucketMs: number;
  readonly #maxPending: number;
  readonly #ra: number;
  readonly #samplesPerEdge: number;
  readonly #traceSamples: number;
  readonly #keys: readonly string[];
  readonly #recent: RecentIds;
  readonly #dir: ResourceDirectory;
  readonly #pending = new Map<string, Pending>();
  /** bucket → src node → dst node → edge. Nodes are interned objects, so lookups hash no strings. */
  readonly #edgeIndex = new Map<number, Map<NodeRef, Map<NodeRef, EdgeAcc>>>();
  readonly #edges: EdgeAcc[] = [];
  readonly #resByUrn = new Map<string, Res>();
  readonly #resCache = new WeakMap<object, Res | null>();
  readonly #targetNodes = new Map<string, NodeRef>();
  readonly #resNodes = new Map<string, NodeRef>();
  readonly #s = {
    duplicates: 0,
    ignoredKind: 0,
    noIdentity: 0,
    outsideRange: 0,
    paired: 0,
    database: 0,
    virtualServer: 0,
    virtualClient: 0,
    unpairedClient: 0,
    unpairedServer: 0,
    outsideWindow: 0,
    evicted: 0,
    maxPendingSeen: 0,
  };
  #finished = false;

  constructor(opts: CallsAggregatorOptions) {
    this.#w = opts.window;
    this.#pad = opts.padMs ?? 60_000;
    this.#bucketMs = opts.bucketMs ?? 300_000;
    this.#maxPending = opts.maxPending ?? 200_000;
    this.#ra = opts.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
    this.#samplesPerEdge = opts.sampleTraceIds ?? 3;
    this.#traceSamples = opts.traceSamples ?? 8;
    this.#keys = opts.businessKeys ?? [];
    this.#recent = new RecentIds(opts.maxRecentIds ?? 1_000_000);
    this.#dir = new ResourceDirectory(opts.directory);
    this.counters = new AggregatorCounters(opts.rejects ?? new RejectStats());
    if (!(this.#bucketMs > 0)) throw new RangeError(`bucketMs must be positive (got ${this.#bucketMs})`);
    if (!(this.#pad >= 0)) throw new RangeError(`padMs must be ≥ 0 (got ${this.#pad})`);
    if (!(this.#maxPending >= 1)) throw new RangeError(`maxPending must be ≥ 1 (got ${this.#maxPending})`);
  }

  add(span: Span): void {
    if (this.#finished) throw new Error('CallsAggregator: add() after finish()');
    this.counters.in++;
    const kind = span.spanKind;
    if (kind !== 'client' && kind !== 'server' && kind !== 'producer' && kind !== 'consumer') {
      this.#s.ignoredKind++;
      return;
    }
    if (
      typeof span.traceId !== 'string' ||
      span.traceId === '' ||
      typeof span.spanId !== 'string' ||
      span.spanId === ''
    ) {
      return this.counters.reject('missing_id');
    }
    if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) return this.counters.reject('bad_timestamp');
    if (span.start < this.#w.from - this.#pad || span.start >= this.#w.to + this.#pad) {
      this.#s.outsideRange++;
      return;
    }
    const traceId = span.traceId.toLowerCase();
    const spanId = span.spanId.toLowerCase();
    if (this.#recent.seen(traceId, spanId)) {
      this.#s.duplicates++;
      return;
    }
    const res = this.#resOf(span.resource?.attrs);
    if (res === undefined) {
      this.#s.noIdentity++;
      return;
    }
    const dur = Math.max(0, span.end - span.start);
    const attrs = span.attrs ?? {};
    const half: Half = {
      res,
      start: span.start,
      dur,
      error: span.error === true,
      kind,
      traceId,
      spanId,
      biz: pickAttrs(attrs, this.#keys),
      attrs: undefined,
    };

    if (kind === 'client' || kind === 'producer') {
      if (isDatabaseSpan(attrs)) {
        const target = clientPeerTarget(attrs, res.attrs);
        if (
          target &&
          this.#record(half.start, this.#resNode(res), this.#targetNode(target), 'database', dur, half.error, half)
        ) {
          this.#s.database++;
        }
        return;
      }
      const key = traceId + SEP + spanId;
      const p = this.#pending.get(key);
      if (p?.server !== undefined) {
        this.#pending.delete(key);
        this.#pair(half, p.server);
        return;
      }
      half.attrs = attrs;
      this.#wait(key, { client: half });
      return;
    }

    // server / consumer
    const parent = span.parentSpanId ? span.parentSpanId.toLowerCase() : '';
    if (parent === '') {
      const target = rootCallerTarget(attrs, kind as 'server' | 'consumer', res.attrs);
      const src = target ? this.#targetNode(target) : USER_NODE;
      const type: ConnectionType = target?.kind === 'messaging' ? 'messaging_system' : 'virtual_node';
      if (this.#record(half.start, src, this.#resNode(res), type, dur, half.error, half)) this.#s.virtualClient++;
      return;
    }
    const key = traceId + SEP + parent;
    const p = this.#pending.get(key);
    if (p?.client !== undefined) {
      this.#pending.delete(key);
      this.#pair(p.client, half);
      return;
    }
    if (p?.server !== undefined) {
      // Two servers under one client span: keep the earlier one waiting; the other is unpaired.
      const loser = half.start < p.server.start ? p.server : half;
      if (loser !== half) p.server = half;
      if (this.#inWindow(loser.start)) this.#s.unpairedServer++;
      return;
    }
    this.#wait(key, { server: half });
  }

  finish(): CallsOutput {
    if (this.#finished) throw new Error('CallsAggregator: finish() called twice');
    this.#finished = true;
    for (const p of this.#pending.values()) this.#resolveUnpaired(p);
    this.#pending.clear();

    // Resolve deferred nodes and merge edges that land on the same (bucket, src, dst).
    interface Final {
      bucket: number;
      src: { urn: string; type: string; attrs: Attrs };
      dst: { urn: string; type: string; attrs: Attrs };
      acc: EdgeAcc;
    }
    const finals = new Map<string, Final>();
    const resolved = new Map<string, { urn: string; type: string; attrs: Attrs } | null>();
    const resolve = (n: NodeRef) => {
      let r = resolved.get(n.key);
      if (r === undefined) {
        r = this.#resolveNode(n) ?? null;
        resolved.set(n.key, r);
      }
      return r;
    };
    for (const acc of this.#edges) {
      const src = resolve(acc.src);
      const dst = resolve(acc.dst);
      if (src === null || dst === null) {
        // Only client-side targets can fail (an IP nobody owns): those calls become unpaired clients.
        this.#s.virtualServer -= acc.virtualServerCalls;
        this.#s.unpairedClient += acc.calls;
        continue;
      }
      const key = acc.bucket + SEP + src.urn + SEP + dst.urn;
      const f = finals.get(key);
      if (f === undefined) {
        finals.set(key, { bucket: acc.bucket, src, dst, acc });
      } else {
        mergeAcc(f.acc, acc, this.#samplesPerEdge);
      }
    }

    const bucketSeconds = this.#bucketMs / 1000;
    const rows: CallRow[] = [...finals.values()]
      .sort((a, b) => a.bucket - b.bucket || cmp(a.src.urn, b.src.urn) || cmp(a.dst.urn, b.dst.urn))
      .map(({ bucket, src, dst, acc }) => ({
        bucket,
        srcUrn: src.urn,
        dstUrn: dst.urn,
        srcType: src.type,
        dstType: dst.type,
        srcAttrs: src.attrs,
        dstAttrs: dst.attrs,
        connectionType: CONNECTION_PRIORITY[acc.typeRank] ?? 'virtual_node',
        calls: acc.calls,
        errors: acc.errors,
        rps: acc.calls / bucketSeconds,
        errRate: acc.errors / acc.calls,
        p50: acc.sketch.quantile(0.5),
        p95: acc.sketch.quantile(0.95),
        sketch: acc.sketch.toBytes(),
        sampleTraceIds: acc.samples.map((s) => s.traceId),
        traces: edgeTraces(acc),
      }));
    this.counters.out = rows.length;
    return {
      rows,
      stats: {
        spans: this.counters.in,
        ...this.#s,
        dedupeRotations: this.#recent.rotations,
        rows: rows.length,
        rejected: this.counters.rejects.toJSON(),
      },
    };
  }

  // -------------------------------------------------------------------------------------------

  #pair(client: Half, server: Half): void {
    const type: ConnectionType = client.kind === 'producer' || server.kind === 'consumer' ? 'messaging_system' : '';
    const failed = client.error || server.error;
    if (
      this.#record(
        client.start,
        this.#resNode(client.res),
        this.#resNode(server.res),
        type,
        server.dur,
        failed,
        client,
        server.biz,
      )
    ) {
      this.#s.paired++;
    }
  }

  #wait(key: string, p: Pending): void {
    if (this.#pending.size >= this.#maxPending) {
      const oldest = this.#pending.entries().next().value;
      if (oldest !== undefined) {
        this.#pending.delete(oldest[0]);
        this.#s.evicted++;
        this.#resolveUnpaired(oldest[1]);
      }
    }
    this.#pending.set(key, p);
    if (this.#pending.size > this.#s.maxPendingSeen) this.#s.maxPendingSeen = this.#pending.size;
  }

  #resolveUnpaired(p: Pending): void {
    if (p.client !== undefined) {
      const c = p.client;
      const target = clientPeerTarget(c.attrs ?? {}, c.res.attrs);
      if (target === undefined) {
        if (this.#inWindow(c.start)) this.#s.unpairedClient++;
        else this.#s.outsideWindow++;
        return;
      }
      const type: ConnectionType =
        target.kind === 'messaging' ? 'messaging_system' : target.kind === 'database' ? 'database' : 'virtual_node';
      const acc = this.#record(c.start, this.#resNode(c.res), this.#targetNode(target), type, c.dur, c.error, c);
      if (acc) {
        this.#s.virtualServer++;
        acc.virtualServerCalls++;
      }
      return;
    }
    if (p.server !== undefined) {
      if (this.#inWindow(p.server.start)) this.#s.unpairedServer++;
      else this.#s.outsideWindow++;
    }
  }

  #inWindow(t: number): boolean {
    return t >= this.#w.from && t < this.#w.to;
  }

  /** Adds one call to its edge when the anchor is in the window; returns the edge (or undefined). */
  #record(
    anchor: number,
    src: NodeRef,
    dst: NodeRef,
    type: ConnectionType,
    latencyMs: number,
    failed: boolean,
    half: Half,
    otherBiz?: Attrs,
  ): EdgeAcc | undefined {
    if (!this.#inWindow(anchor)) {
      this.#s.outsideWindow++;
      return undefined;
    }
    const bucket = floorTo(anchor, this.#bucketMs);
    let bySrc = this.#edgeIndex.get(bucket);
    if (bySrc === undefined) this.#edgeIndex.set(bucket, (bySrc = new Map()));
    let byDst = bySrc.get(src);
    if (byDst === undefined) bySrc.set(src, (byDst = new Map()));
    let acc = byDst.get(dst);
    if (acc === undefined) {
      acc = {
        bucket,
        src,
        dst,
        typeRank: CONNECTION_PRIORITY.indexOf(type),
        calls: 0,
        errors: 0,
        sketch: new QuantileSketch({ relativeAccuracy: this.#ra }),
        samples: [],
        failedTraces: new TraceSampler(this.#traceSamples),
        healthyTraces: new TraceSampler(this.#traceSamples),
        virtualServerCalls: 0,
      };
      byDst.set(dst, acc);
      this.#edges.push(acc);
    }
    acc.calls++;
    if (failed) acc.errors++;
    const rank = CONNECTION_PRIORITY.indexOf(type);
    if (rank < acc.typeRank) acc.typeRank = rank;
    acc.sketch.add(latencyMs);
    addSample(acc.samples, { traceId: half.traceId, failed }, this.#samplesPerEdge);
    const biz = otherBiz === undefined ? half.biz : half.biz === undefined ? otherBiz : { ...otherBiz, ...half.biz };
    (failed ? acc.failedTraces : acc.healthyTraces).add(half.traceId, half.spanId, failed, biz);
    return acc;
  }

  #resOf(attrs: Attrs | undefined): Res | undefined {
    const a = attrs ?? {};
    const cached = this.#resCache.get(a);
    if (cached !== undefined) return cached ?? undefined;
    const id = resourceIdentity(a);
    let res: Res | null = null;
    if (id !== undefined) {
      res = this.#resByUrn.get(id.urn) ?? null;
      if (res === null) {
        res = { urn: id.urn, type: id.type, attrs: a, k8sNs: id.k8sNamespace };
        this.#resByUrn.set(id.urn, res);
      }
      // Every distinct attribute object may carry other IPs (one per pod): register each.
      this.#dir.register(id, a);
    }
    this.#resCache.set(a, res);
    return res ?? undefined;
  }

  #resNode(res: Res): NodeRef {
    let n = this.#resNodes.get(res.urn);
    if (n === undefined) {
      n = { key: res.urn, res, urn: res.urn };
      this.#resNodes.set(res.urn, n);
    }
    return n;
  }

  #targetNode(t: PeerTarget): NodeRef {
    const key = '?' + peerTargetKey(t);
    let n = this.#targetNodes.get(key);
    if (n === undefined) {
      n = { key, target: t };
      this.#targetNodes.set(key, n);
    }
    return n;
  }

  #resolveNode(n: NodeRef): { urn: string; type: string; attrs: Attrs } | undefined {
    if (n.res) return { urn: n.res.urn, type: n.res.type, attrs: n.res.attrs };
    if (n.urn === URN_USER) return { urn: URN_USER, type: 'user', attrs: {} };
    if (n.target === undefined) return undefined;
    const r = resolvePeerTarget(n.target, this.#dir);
    if (r === undefined) return undefined;
    const known = this.#resByUrn.get(r.urn);
    return { urn: r.urn, type: known?.type ?? r.type, attrs: known?.attrs ?? {} };
  }
}

function addSample(samples: Sample[], s: Sample, max: number): void {
  if (max <= 0) return;
  const i = samples.findIndex((x) => x.traceId === s.traceId);
  if (i >= 0) {
    const cur = samples[i] as Sample;
    if (!s.failed || cur.failed) return;
    samples.splice(i, 1);
  }
  if (samples.length >= max && !before(s, samples[samples.length - 1] as Sample)) return;
  let j = samples.length;
  while (j > 0 && before(s, samples[j - 1] as Sample)) j--;
  samples.splice(j, 0, s);
  if (samples.length > max) samples.pop();
}

/** Failed calls first, then smaller trace id: a choice that does not depend on arrival order. */
function before(a: Sample, b: Sample): boolean {
  if (a.failed !== b.failed) return a.failed;
  return a.traceId < b.traceId;
}

function mergeAcc(into: EdgeAcc, from: EdgeAcc, maxSamples: number): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.typeRank = Math.min(into.typeRank, from.typeRank);
  into.sketch.merge(from.sketch);
  into.virtualServerCalls += from.virtualServerCalls;
  for (const s of from.samples) addSample(into.samples, s, maxSamples);
  into.failedTraces.merge(from.failedTraces);
  into.healthyTraces.merge(from.healthyTraces);
}

/** Failed samples, then healthy ones whose trace is not among them (one row per trace and edge). */
function edgeTraces(acc: EdgeAcc): TraceSample[] {
  const failed = acc.failedTraces.samples;
  const ids = new Set(failed.map((t) => t.traceId));
  return [...failed, ...acc.healthyTraces.samples.filter((t) => !ids.has(t.traceId))];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
