import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallsAggregator, type CallRow, type CallsAggregatorOptions } from '../../../src/agg/calls.js';
import type { Attrs, Resource, Span, SpanKind } from '../../../src/core/records.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const W = { from: T, to: T + 300_000 };

const A: Resource = { attrs: { 'service.name': 'frontend', 'k8s.namespace.name': 'shop', 'k8s.pod.ip': '10.0.0.1' } };
const B: Resource = { attrs: { 'service.name': 'cart', 'k8s.namespace.name': 'shop', 'k8s.pod.ip': '10.0.0.2' } };
const C: Resource = { attrs: { 'service.name': 'mailer' } };
const AU = 'urn:k8s:svc:shop/frontend';
const BU = 'urn:k8s:svc:shop/cart';
const CU = 'urn:svc:_/mailer';

let seq = 0;
function span(
  res: Resource,
  kind: SpanKind,
  start: number,
  durMs: number,
  o: { trace?: string; id?: string; parent?: string; error?: boolean; attrs?: Attrs } = {},
): Span {
  return {
    kind: 'span',
    traceId: o.trace ?? 'aa' + String(++seq).padStart(30, '0'),
    spanId: o.id ?? 'bb' + String(++seq).padStart(14, '0'),
    ...(o.parent ? { parentSpanId: o.parent } : {}),
    spanKind: kind,
    start,
    end: start + durMs,
    error: o.error ?? false,
    name: 'op',
    attrs: o.attrs ?? {},
    resource: res,
  };
}

/** A client span of `from` and the server span of `to` it called. */
function pair(
  from: Resource,
  to: Resource,
  start: number,
  clientMs: number,
  serverMs: number,
  o: {
    clientError?: boolean;
    serverError?: boolean;
    trace?: string;
    kinds?: [SpanKind, SpanKind];
    serverDelay?: number;
  } = {},
): [Span, Span] {
  const trace = o.trace ?? 'cc' + String(++seq).padStart(30, '0');
  const c = span(from, o.kinds?.[0] ?? 'client', start, clientMs, { trace, error: o.clientError });
  const s = span(to, o.kinds?.[1] ?? 'server', start + (o.serverDelay ?? 0.5), serverMs, {
    trace,
    parent: c.spanId,
    error: o.serverError,
  });
  return [c, s];
}

function run(spans: Span[], opts: Partial<CallsAggregatorOptions> = {}) {
  const agg = new CallsAggregator({ window: W, ...opts });
  for (const s of spans) agg.add(s);
  return agg.finish();
}

function edge(rows: CallRow[], src: string, dst: string): CallRow {
  const r = rows.find((x) => x.srcUrn === src && x.dstUrn === dst);
  assert.ok(r, `edge ${src} -> ${dst} in ${rows.map((x) => `${x.srcUrn}->${x.dstUrn}`).join(', ')}`);
  return r;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.01 * Math.abs(b);

test('A→B from span pairs: calls, errors, rps, err_rate, p50, p95 (server-side latency)', () => {
  const spans: Span[] = [];
  // 20 calls; server latencies 1..20 ms, client latencies 100 ms (must not be used); 3 failed: 2 by the
  // client's status, 1 by the server's, 1 by both.
  for (let i = 1; i <= 20; i++) {
    spans.push(
      ...pair(A, B, T + i * 1000, 100, i, {
        clientError: i === 3 || i === 7 || i === 9,
        serverError: i === 9 || i === 15,
      }),
    );
  }
  const { rows, stats } = run(spans);
  assert.equal(rows.length, 1);
  const r = edge(rows, AU, BU);
  assert.equal(r.bucket, T);
  assert.equal(r.calls, 20);
  assert.equal(r.errors, 4);
  assert.equal(r.rps, 20 / 300);
  assert.equal(r.errRate, 0.2);
  assert.ok(near(r.p50, 10), `p50 ${r.p50}`);
  assert.ok(near(r.p95, 19), `p95 ${r.p95}`);
  assert.equal(r.connectionType, '');
  assert.equal(r.srcType, 'k8s_service');
  assert.equal(r.dstAttrs, B.attrs);
  assert.equal(stats.paired, 20);
  // Failed calls are sampled first, then smallest trace ids.
  assert.equal(r.sampleTraceIds.length, 3);
  const failedTraces = new Set(spans.filter((s) => s.error).map((s) => s.traceId));
  assert.ok(r.sampleTraceIds.every((t) => failedTraces.has(t)));
});

test('hand-checked percentiles: latencies 10, 20, 30, 40, 100 ms give p50 ≈ 30, p95 ≈ 40', () => {
  const spans = [10, 20, 30, 40, 100].flatMap((ms, i) => pair(A, B, T + i, 1, ms));
  const r = edge(run(spans).rows, AU, BU);
  assert.ok(near(r.p50, 30) && near(r.p95, 40), `${r.p50} ${r.p95}`);
});

test('server arriving before its client pairs too; producer/consumer is messaging_system', () => {
  const [c, s] = pair(A, C, T + 10, 1, 5, { kinds: ['producer', 'consumer'], serverDelay: 15_000 });
  const { rows, stats } = run([s, c]);
  const r = edge(rows, AU, CU);
  assert.equal(r.connectionType, 'messaging_system');
  assert.equal(r.p50, 5);
  assert.equal(stats.paired, 1);
});

test('virtual nodes: database, queue, external host, peer.service; root server from urn:user', () => {
  const spans = [
    span(A, 'client', T + 1, 4, {
      attrs: { 'db.system.name': 'postgresql', 'db.namespace': 'orders', 'server.address': 'pg-1' },
    }),
    span(A, 'client', T + 2, 2, { attrs: { 'db.system': 'redis', 'net.peer.name': 'cache' }, error: true }),
    span(A, 'producer', T + 3, 1, {
      attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'server.address': 'k:9092' },
    }),
    span(B, 'client', T + 4, 7, { attrs: { 'url.full': 'https://api.stripe.com/v1/charges' } }),
    span(B, 'client', T + 5, 3, { attrs: { 'peer.service': 'frontend' } }), // a known service: its real URN
    span(B, 'server', T + 6, 9), // root server
    span(C, 'consumer', T + 7, 2, { attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } }), // root consumer
    span(C, 'client', T + 8, 2, { attrs: {} }), // nothing names the peer
    span(C, 'client', T + 9, 2, { attrs: { 'server.address': '192.0.2.44' } }), // unknown IP
    span(C, 'client', T + 10, 2, { attrs: { 'server.address': '10.0.0.2' } }), // a known pod IP → cart
  ];
  const { rows, stats } = run(spans);
  const types = Object.fromEntries(
    rows.map((r) => [`${r.srcUrn} -> ${r.dstUrn}`, [r.connectionType, r.dstType, r.calls, r.errors]]),
  );
  assert.deepEqual(types, {
    [`${AU} -> urn:db:postgres:pg-1/orders`]: ['database', 'database', 1, 0],
    [`${AU} -> urn:db:redis:cache/0`]: ['database', 'database', 1, 1],
    [`${AU} -> urn:mq:kafka:k/orders`]: ['messaging_system', 'queue', 1, 0],
    [`${BU} -> urn:host:api.stripe.com`]: ['virtual_node', 'host', 1, 0],
    [`${BU} -> ${AU}`]: ['virtual_node', 'k8s_service', 1, 0],
    [`urn:user -> ${BU}`]: ['virtual_node', 'k8s_service', 1, 0],
    [`urn:mq:kafka:_/orders -> ${CU}`]: ['messaging_system', 'service', 1, 0],
    [`${CU} -> ${BU}`]: ['virtual_node', 'k8s_service', 1, 0],
  });
  assert.equal(edge(rows, AU, 'urn:db:postgres:pg-1/orders').p95, 4, 'database edges use the client duration');
  assert.equal(edge(rows, `urn:user`, BU).p50, 9);
  assert.deepEqual(edge(rows, `${BU}`, AU).dstAttrs, A.attrs);
  assert.deepEqual(edge(rows, AU, 'urn:mq:kafka:k/orders').dstAttrs, {});
  assert.equal(stats.database, 2);
  assert.equal(stats.virtualServer, 4);
  assert.equal(stats.virtualClient, 2);
  assert.equal(stats.unpairedClient, 2);
});

test('orphans and extra servers are counted, not emitted; a db client never waits for its server', () => {
  const dbClient = span(A, 'client', T + 1, 4, { attrs: { 'db.system': 'postgresql', 'db.name': 'x' } });
  const instrumentedDb = span(B, 'server', T + 2, 3, { trace: dbClient.traceId, parent: dbClient.spanId });
  const orphan = span(B, 'server', T + 3, 3, { parent: 'ffffffffffffffff' });
  const [c, s1] = pair(A, B, T + 10, 20, 8);
  const s2 = span(B, 'server', T + 9, 5, { trace: c.traceId, parent: c.spanId }); // starts earlier → pairs
  const { rows, stats } = run([s1, s2, c, dbClient, instrumentedDb, orphan]);
  assert.equal(edge(rows, AU, BU).calls, 1);
  assert.equal(edge(rows, AU, BU).p50, 5, 'paired with the earliest server');
  assert.equal(stats.unpairedServer, 3);
  assert.equal(stats.database, 1);
  assert.equal(rows.length, 2);
});

test('a span delivered twice counts once; ids compare case-insensitively', () => {
  const [c, s] = pair(A, B, T + 1, 2, 1);
  const upper = { ...c, traceId: c.traceId.toUpperCase(), spanId: c.spanId.toUpperCase() };
  const { rows, stats } = run([c, s, { ...s }, upper, { ...c }, { ...s }]);
  assert.equal(edge(rows, AU, BU).calls, 1);
  assert.equal(stats.duplicates, 4);
  // Case-insensitive pairing too.
  const [c2, s2] = pair(A, B, T + 1, 2, 1);
  const out = run([{ ...c2, spanId: c2.spanId.toUpperCase() }, s2]);
  assert.equal(out.stats.paired, 1);
});

test('a pair straddling a window edge is counted once, in the window of its client span', () => {
  const end = W.to;
  const [c1, s1] = pair(A, B, end - 1, 10, 5, { serverDelay: 3 }); // client in W, server in the next window
  const [c2, s2] = pair(A, B, W.from - 2, 10, 7, { serverDelay: 4 }); // client in the previous window
  const [c3, s3] = pair(A, B, end - 5, 10, 6, { serverDelay: 20_000 }); // slow queue-like hop
  const spans = [c1, s1, c2, s2, c3, s3];
  const windows = [{ from: W.from - 300_000, to: W.from }, W, { from: W.to, to: W.to + 300_000 }];
  const outs = windows.map((w) => run(spans, { window: w, padMs: 60_000 }));
  assert.deepEqual(
    outs.map((o) => o.rows.map((r) => [r.bucket, r.calls, Math.round(r.p50), Math.round(r.p95)])),
    [[[windows[0]?.from, 1, 7, 7]], [[W.from, 2, 5, 5]], []], // p95 of {5, 6} is sorted[⌊0.95·1⌋] = 5
  );
  assert.equal(
    outs.reduce((n, o) => n + o.stats.paired, 0),
    3,
  );
  assert.equal(
    outs.reduce((n, o) => n + o.stats.unpairedServer + o.stats.unpairedClient, 0),
    0,
  );
  // Without padding the next window cannot see the partner: the straddling call would be lost.
  const noPad = run(spans, { padMs: 0 });
  assert.equal(noPad.stats.paired, 0);
});

test('bounded buffer: when full the oldest waiting span is resolved early and counted', () => {
  const spans: Span[] = [];
  const servers: Span[] = [];
  for (let i = 0; i < 50; i++) {
    const [c, s] = pair(A, B, T + i, 2, 1);
    c.attrs = { 'server.address': 'cart.shop.svc.cluster.local' };
    spans.push(c);
    servers.push(s);
  }
  // 50 clients wait; with room for 10, the 40 oldest are resolved early to the virtual server their
  // address names (the k8s DNS name of cart). The newest 10 pair with their servers (sent newest first).
  const { rows, stats } = run([...spans, ...servers.reverse()], { maxPending: 10 });
  assert.equal(stats.evicted, 40 + 30);
  assert.equal(stats.maxPendingSeen, 10);
  const r = edge(rows, AU, BU);
  assert.equal(r.calls, 50, 'each call still counted once');
  assert.equal(r.connectionType, '', 'paired calls name the merged row');
  assert.equal(stats.paired, 10);
  assert.equal(stats.virtualServer, 40);
  assert.equal(stats.unpairedServer, 40, 'late servers of evicted clients are orphans');
});

test('internal spans, spans outside the padded range and spans without identity are skipped and counted', () => {
  const { rows, stats } = run([
    span(A, 'internal', T + 1, 1),
    span(A, 'server', W.to + 60_000, 1),
    span(A, 'server', W.from - 60_001, 1),
    span({ attrs: { 'telemetry.sdk.name': 'x' } }, 'server', T + 1, 1),
    { ...span(A, 'server', T + 1, 1), traceId: '' },
    { ...span(A, 'server', T + 1, 1), start: Number.NaN },
    span(A, 'server', T + 1, -5), // negative duration → 0 ms
  ]);
  assert.equal(stats.ignoredKind, 1);
  assert.equal(stats.outsideRange, 2);
  assert.equal(stats.noIdentity, 1);
  assert.deepEqual(stats.rejected, { bad_timestamp: 1, missing_id: 1 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.p50, 0);
});

test('self-calls are kept; rows are sorted; bucket size is configurable', () => {
  const spans = [...pair(A, A, T + 1, 2, 1), ...pair(A, B, T + 61_000, 2, 1), ...pair(A, B, T + 1, 2, 1)];
  const { rows } = run(spans, { bucketMs: 60_000 });
  assert.deepEqual(
    rows.map((r) => [r.bucket - T, r.srcUrn, r.dstUrn, r.rps]),
    [
      [0, AU, BU, 1 / 60],
      [0, AU, AU, 1 / 60],
      [60_000, AU, BU, 1 / 60],
    ],
  );
});

test('add after finish is an error', () => {
  const agg = new CallsAggregator({ window: W });
  agg.finish();
  assert.throws(() => agg.add(span(A, 'server', T, 1)), /after finish/);
  assert.equal(agg.counters.in, 0);
});
