/**
 * Exact oracle for service_call rows: computes the per-edge figures of one window straight from raw
 * spans, the slow and obvious way (everything in memory, exact dedupe, sorted latency lists, exact
 * quantiles), following service-graph.md §2 step by step. Tests compare CallsAggregator output (or
 * rows a job wrote) with it.
 *
 * It shares only the naming rules with the aggregator (core/urn and the window's resource directory),
 * not the pairing, bucketing, dedupe or counting code.
 */
import { ResourceDirectory } from '../../src/agg/resource-directory.js';
import type { CallRow, ConnectionType } from '../../src/agg/calls.js';
import type { Span } from '../../src/core/records.js';
import {
  URN_USER,
  clientPeerTarget,
  isDatabaseSpan,
  resolvePeerTarget,
  resourceIdentity,
  rootCallerTarget,
  type PeerDirectory,
  type PeerTarget,
} from '../../src/core/urn.js';
import type { Window } from '../../src/core/window.js';

export interface ExactEdge {
  bucket: number;
  srcUrn: string;
  dstUrn: string;
  connectionType: ConnectionType;
  calls: number;
  errors: number;
  rps: number;
  errRate: number;
  /** Sorted ascending, ms. */
  latencies: number[];
  /** sorted[⌊q·(n−1)⌋], the definition the sketch approximates. */
  p50: number;
  p95: number;
}

export interface ExactCalls {
  edges: ExactEdge[];
  paired: number;
  database: number;
  virtualServer: number;
  virtualClient: number;
  unpairedClient: number;
  unpairedServer: number;
  duplicates: number;
}

export interface ExactOptions {
  padMs?: number;
  bucketMs?: number;
  directory?: PeerDirectory;
}

type Call = { anchor: number; src: string; dst: string; type: ConnectionType; ms: number; failed: boolean };

const RANK: ConnectionType[] = ['', 'messaging_system', 'database', 'virtual_node'];

export function exactQuantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

export function exactCalls(spans: Iterable<Span>, w: Window, opts: ExactOptions = {}): ExactCalls {
  const pad = opts.padMs ?? 60_000;
  const bucketMs = opts.bucketMs ?? 300_000;
  const inWindow = (t: number) => t >= w.from && t < w.to;

  // 1-2. read the padded range, dedupe exactly, drop spans without identity
  const seen = new Set<string>();
  let duplicates = 0;
  const kept: { s: Span; urn: string; trace: string; id: string; parent: string }[] = [];
  const dir = new ResourceDirectory(opts.directory);
  for (const s of spans) {
    if (!['client', 'server', 'producer', 'consumer'].includes(s.spanKind)) continue;
    if (s.start < w.from - pad || s.start >= w.to + pad) continue;
    const trace = s.traceId.toLowerCase();
    const id = s.spanId.toLowerCase();
    const k = `${trace}/${id}`;
    if (seen.has(k)) {
      duplicates++;
      continue;
    }
    seen.add(k);
    const ident = resourceIdentity(s.resource.attrs);
    if (!ident) continue;
    dir.register(ident, s.resource.attrs);
    kept.push({ s, urn: ident.urn, trace, id, parent: (s.parentSpanId ?? '').toLowerCase() });
  }

  const calls: Call[] = [];
  const r = { paired: 0, database: 0, virtualServer: 0, virtualClient: 0, unpairedClient: 0, unpairedServer: 0 };
  const dur = (s: Span) => Math.max(0, s.end - s.start);
  const name = (t: PeerTarget) => resolvePeerTarget(t, dir)?.urn;

  // 3. index
  const clients = new Map<string, (typeof kept)[number]>();
  const servers = new Map<string, (typeof kept)[number][]>();
  for (const k of kept) {
    const isClient = k.s.spanKind === 'client' || k.s.spanKind === 'producer';
    if (isClient) {
      if (isDatabaseSpan(k.s.attrs)) {
        // 6. database call: an edge from the client alone
        if (inWindow(k.s.start)) {
          const target = clientPeerTarget(k.s.attrs, k.s.resource.attrs) as PeerTarget;
          calls.push({
            anchor: k.s.start,
            src: k.urn,
            dst: name(target) as string,
            type: 'database',
            ms: dur(k.s),
            failed: k.s.error,
          });
          r.database++;
        }
        continue;
      }
      clients.set(`${k.trace}/${k.id}`, k);
    } else if (k.parent === '') {
      // 8. root server: virtual client
      if (inWindow(k.s.start)) {
        const target = rootCallerTarget(k.s.attrs, k.s.spanKind as 'server' | 'consumer', k.s.resource.attrs);
        calls.push({
          anchor: k.s.start,
          src: target ? (name(target) as string) : URN_USER,
          dst: k.urn,
          type: target?.kind === 'messaging' ? 'messaging_system' : 'virtual_node',
          ms: dur(k.s),
          failed: k.s.error,
        });
        r.virtualClient++;
      }
    } else {
      const key = `${k.trace}/${k.parent}`;
      const list = servers.get(key) ?? [];
      list.push(k);
      servers.set(key, list);
    }
  }

  // 4. pair each client with its earliest server; 7. unpaired clients to virtual servers
  for (const [key, c] of clients) {
    const list = (servers.get(key) ?? []).sort((a, b) => a.s.start - b.s.start || (a.id < b.id ? -1 : 1));
    servers.delete(key);
    const [srv, ...rest] = list;
    for (const x of rest) if (inWindow(x.s.start)) r.unpairedServer++;
    if (!inWindow(c.s.start)) continue;
    if (srv) {
      const type: ConnectionType =
        c.s.spanKind === 'producer' || srv.s.spanKind === 'consumer' ? 'messaging_system' : '';
      calls.push({
        anchor: c.s.start,
        src: c.urn,
        dst: srv.urn,
        type,
        ms: dur(srv.s),
        failed: c.s.error || srv.s.error,
      });
      r.paired++;
      continue;
    }
    const target = clientPeerTarget(c.s.attrs, c.s.resource.attrs);
    const dst = target ? name(target) : undefined;
    if (!target || dst === undefined) {
      r.unpairedClient++;
      continue;
    }
    const type: ConnectionType = target.kind === 'messaging' ? 'messaging_system' : 'virtual_node';
    calls.push({ anchor: c.s.start, src: c.urn, dst, type, ms: dur(c.s), failed: c.s.error });
    r.virtualServer++;
  }
  // 8. servers whose parent never came
  for (const list of servers.values()) for (const x of list) if (inWindow(x.s.start)) r.unpairedServer++;

  // 10. aggregate
  const groups = new Map<string, Call[]>();
  for (const c of calls) {
    const key = `${Math.floor(c.anchor / bucketMs) * bucketMs}\u0000${c.src}\u0000${c.dst}`;
    const g = groups.get(key) ?? [];
    g.push(c);
    groups.set(key, g);
  }
  const edges: ExactEdge[] = [];
  for (const g of groups.values()) {
    const first = g[0] as Call;
    const latencies = g.map((c) => c.ms).sort((a, b) => a - b);
    const errors = g.filter((c) => c.failed).length;
    edges.push({
      bucket: Math.floor(first.anchor / bucketMs) * bucketMs,
      srcUrn: first.src,
      dstUrn: first.dst,
      connectionType: RANK[Math.min(...g.map((c) => RANK.indexOf(c.type)))] as ConnectionType,
      calls: g.length,
      errors,
      rps: g.length / (bucketMs / 1000),
      errRate: errors / g.length,
      latencies,
      p50: exactQuantileOf(latencies, 0.5),
      p95: exactQuantileOf(latencies, 0.95),
    });
  }
  edges.sort((a, b) => a.bucket - b.bucket || cmp(a.srcUrn, b.srcUrn) || cmp(a.dstUrn, b.dstUrn));
  return { edges, ...r, duplicates };
}

/**
 * Differences between aggregated rows and the oracle: edge sets, counts, rps and err_rate exactly (up
 * to float rounding), p50/p95 within `relTol` of the exact values. Empty when they agree.
 */
export function diffCallRows(
  rows: readonly Pick<
    CallRow,
    'bucket' | 'srcUrn' | 'dstUrn' | 'calls' | 'errors' | 'rps' | 'errRate' | 'p50' | 'p95'
  >[],
  exact: readonly ExactEdge[],
  relTol = 0.01,
): string[] {
  const out: string[] = [];
  const key = (x: { bucket: number; srcUrn: string; dstUrn: string }) => `${x.bucket} ${x.srcUrn} -> ${x.dstUrn}`;
  const want = new Map(exact.map((e) => [key(e), e]));
  const got = new Map(rows.map((r) => [key(r), r]));
  for (const k of want.keys()) if (!got.has(k)) out.push(`missing edge ${k}`);
  for (const k of got.keys()) if (!want.has(k)) out.push(`unexpected edge ${k}`);
  const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.abs(b) + 1e-9;
  for (const [k, e] of want) {
    const r = got.get(k);
    if (!r) continue;
    if (r.calls !== e.calls) out.push(`${k}: calls ${r.calls} != ${e.calls}`);
    if (r.errors !== e.errors) out.push(`${k}: errors ${r.errors} != ${e.errors}`);
    if (!close(r.rps, e.rps, 1e-9)) out.push(`${k}: rps ${r.rps} != ${e.rps}`);
    if (!close(r.errRate, e.errRate, 1e-9)) out.push(`${k}: err_rate ${r.errRate} != ${e.errRate}`);
    if (!close(r.p50, e.p50, relTol)) out.push(`${k}: p50 ${r.p50} not within ${relTol} of ${e.p50}`);
    if (!close(r.p95, e.p95, relTol)) out.push(`${k}: p95 ${r.p95} not within ${relTol} of ${e.p95}`);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
