/**
 * A seeded generator of realistic span sets for aggregator tests and benchmarks (independent of the
 * mock source): services in and outside Kubernetes calling each other, databases (old and new semconv),
 * queues, external HTTP APIs, unnamed clients, orphan servers, errors, retries delivered twice, and
 * traces near window edges.
 */
import type { Attrs, Resource, Span, SpanKind } from '../../../src/core/records.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';

export function rng(seed: number): () => number {
  return seededRandom(seed >>> 0 || 1);
}

export interface GenOptions {
  seed: number;
  /** Root spans start uniformly in [from, to). */
  from: number;
  to: number;
  traces: number;
  /** Fraction of spans delivered a second time. @defaultValue 0.03 */
  duplicateRate?: number;
  /** @defaultValue 0.05 */
  errorRate?: number;
  /** Extra services (more distinct edges). @defaultValue 12 */
  services?: number;
  /** When false, never lose a server span or add orphans (every client pairs). @defaultValue true */
  messy?: boolean;
}

interface Svc {
  name: string;
  resource: Resource;
  dns: string;
}

export function makeServices(n: number): Svc[] {
  const out: Svc[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    const k8s = i % 3 !== 2;
    const ns = i % 2 === 0 ? 'shop' : 'payments';
    const attrs: Attrs = { 'service.name': name, 'host.name': `node-${i % 4}` };
    if (k8s) {
      attrs['k8s.namespace.name'] = ns;
      attrs['k8s.pod.ip'] = `10.1.${i}.7`;
    }
    out.push({ name, resource: { attrs }, dns: k8s ? `${name}.${ns}.svc.cluster.local` : `${name}.internal` });
  }
  return out;
}

export function generateSpans(o: GenOptions): Span[] {
  const r = rng(o.seed);
  const svcs = makeServices(o.services ?? 12);
  const dupRate = o.duplicateRate ?? 0.03;
  const errRate = o.errorRate ?? 0.05;
  const messy = o.messy ?? true;
  const spans: Span[] = [];
  let idCounter = 0;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const newSpanId = () => hex(++idCounter, 8) + hex(Math.floor(r() * 0xffffffff), 8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const lat = () => Math.round(Math.exp(r() * 6) * 1000) / 1000; // 1 ms … 400 ms, log-uniform

  const emit = (
    traceId: string,
    spanId: string,
    parent: string | undefined,
    kind: SpanKind,
    svc: Svc,
    start: number,
    dur: number,
    attrs: Attrs,
    error = r() < errRate,
  ): void => {
    const s: Span = {
      kind: 'span',
      traceId,
      spanId,
      ...(parent ? { parentSpanId: parent } : {}),
      spanKind: kind,
      start,
      end: start + dur,
      error,
      name: `${kind} ${svc.name}`,
      attrs,
      resource: svc.resource,
    };
    spans.push(s);
    if (r() < dupRate) spans.push({ ...s });
  };

  const child = (traceId: string, caller: Svc, parent: string, t0: number, depth: number): void => {
    const n = depth > 2 ? 0 : Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const start = t0 + r() * 5;
      const id = newSpanId();
      const what = r();
      if (what < 0.45) {
        // instrumented HTTP/gRPC call
        const callee = pick(svcs.filter((s) => s !== caller));
        const d = lat();
        const lost = messy && r() < 0.05; // server span never exported → virtual node by address
        emit(traceId, id, parent, 'client', caller, start, d + 2, {
          'server.address': callee.dns,
          'http.request.method': 'GET',
        });
        if (!lost) {
          const sid = newSpanId();
          emit(traceId, sid, id, 'server', callee, start + 1, d, { 'http.route': '/x' });
          child(traceId, callee, sid, start + 1, depth + 1);
        }
      } else if (what < 0.65) {
        // database, old or new semantic conventions
        const newConv = r() < 0.5;
        const pg = r() < 0.7;
        const attrs: Attrs = pg
          ? newConv
            ? {
                'db.system.name': 'postgresql',
                'db.namespace': 'orders.public',
                'server.address': 'pg-main.db.svc.cluster.local',
              }
            : {
                'db.system': 'postgresql',
                'db.name': 'orders',
                'net.peer.name': 'pg-main.db.svc.cluster.local',
                'net.peer.port': 5432,
              }
          : { 'db.system': 'redis', 'db.redis.database_index': 2, 'server.address': 'cache:6379' };
        emit(traceId, id, parent, 'client', caller, start, lat() / 4, attrs);
      } else if (what < 0.75) {
        // queue: producer → consumer, delivered up to 20 s later
        const consumer = pick(svcs);
        const attrs: Attrs = {
          'messaging.system': 'kafka',
          'messaging.destination.name': 'orders',
          'server.address': 'kafka-0:9092',
        };
        emit(traceId, id, parent, 'producer', caller, start, 0.5, attrs);
        if (!messy || r() < 0.9)
          emit(traceId, newSpanId(), id, 'consumer', consumer, start + r() * 20_000, lat(), attrs);
      } else if (what < 0.85) {
        // external API, never instrumented
        emit(traceId, id, parent, 'client', caller, start, lat(), {
          'url.full': `https://api.stripe.com/v1/charges/${idCounter}`,
        });
      } else if (what < 0.9) {
        // peer.service named peer that exists → resolved to its real URN
        const callee = pick(svcs);
        emit(traceId, id, parent, 'client', caller, start, lat(), { 'peer.service': callee.name });
      } else if (messy && what < 0.95) {
        // nothing names the peer, or only a bare unknown IP
        emit(traceId, id, parent, 'client', caller, start, lat(), r() < 0.5 ? {} : { 'server.address': '192.0.2.10' });
      } else {
        emit(traceId, id, parent, 'internal', caller, start, lat(), {});
      }
    }
  };

  for (let t = 0; t < o.traces; t++) {
    const traceId = hex(t + 1, 16) + hex(Math.floor(r() * 0xffffffff), 8) + hex(o.seed, 8);
    const entry = pick(svcs);
    const start = o.from + r() * (o.to - o.from);
    const rootId = newSpanId();
    const d = lat() * 3;
    if (messy && r() < 0.05) {
      // orphan: its parent was never exported
      emit(traceId, rootId, newSpanId(), 'server', entry, start, d, {});
      continue;
    }
    emit(traceId, rootId, undefined, 'server', entry, start, d, {});
    child(traceId, entry, rootId, start, 0);
  }
  return spans;
}

export function shuffle<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}
