import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord, MetricPoint, Resource, Span } from '../../../src/core/records.js';
import { PgliteDb } from '../../../src/db/pglite-driver.js';
import {
  aggregateBaseline,
  createBaselineSchema,
  loadRaw,
  RAW_TABLES,
  tableBytes,
} from '../../../bench/baseline/sql.js';

const T = Date.parse('2024-06-10T06:00:00Z');
const frontend: Resource = { attrs: { 'service.name': 'frontend' } };
const orders: Resource = { attrs: { 'service.name': 'orders' } };

function span(p: Partial<Span> & Pick<Span, 'traceId' | 'spanId' | 'spanKind' | 'start' | 'end' | 'resource'>): Span {
  return { kind: 'span', error: false, name: 'op', attrs: {}, ...p };
}

const spans: Span[] = [
  // trace 1: user → frontend → orders (failed on the server side) → postgres, and a publish nobody consumes
  span({ traceId: 't1', spanId: 'a1', spanKind: 'server', start: T + 1000, end: T + 1100, resource: frontend }),
  span({
    traceId: 't1',
    spanId: 'a2',
    parentSpanId: 'a1',
    spanKind: 'client',
    start: T + 1010,
    end: T + 1090,
    resource: frontend,
  }),
  span({
    traceId: 't1',
    spanId: 'b1',
    parentSpanId: 'a2',
    spanKind: 'server',
    start: T + 1020,
    end: T + 1080,
    error: true,
    resource: orders,
  }),
  span({
    traceId: 't1',
    spanId: 'b2',
    parentSpanId: 'b1',
    spanKind: 'client',
    start: T + 1030,
    end: T + 1040,
    attrs: { 'db.system': 'postgresql', 'db.namespace': 'orders' },
    resource: orders,
  }),
  span({
    traceId: 't1',
    spanId: 'b3',
    parentSpanId: 'b1',
    spanKind: 'producer',
    start: T + 1050,
    end: T + 1052,
    attrs: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order-events' },
    resource: orders,
  }),
  // trace 2: frontend → orders, 20 ms on the server
  span({
    traceId: 't2',
    spanId: 'c1',
    parentSpanId: 'x',
    spanKind: 'client',
    start: T + 2000,
    end: T + 2030,
    resource: frontend,
  }),
  span({
    traceId: 't2',
    spanId: 'd1',
    parentSpanId: 'c1',
    spanKind: 'server',
    start: T + 2005,
    end: T + 2025,
    resource: orders,
  }),
  // trace 3: after the window
  span({
    traceId: 't3',
    spanId: 'e1',
    parentSpanId: 'x',
    spanKind: 'client',
    start: T + 301_000,
    end: T + 301_050,
    resource: frontend,
  }),
  span({
    traceId: 't3',
    spanId: 'f1',
    parentSpanId: 'e1',
    spanKind: 'server',
    start: T + 301_001,
    end: T + 301_040,
    resource: orders,
  }),
];

const metrics: MetricPoint[] = [
  ...Array.from({ length: 20 }, (_, i): MetricPoint => ({
    kind: 'metric',
    ts: T + i * 1000,
    name: 'cpu',
    value: i + 1,
    labels: { cpu: '0' },
    resource: frontend,
  })),
  { kind: 'metric', ts: T + 61_000, name: 'cpu', value: 7, labels: { cpu: '0' }, resource: frontend },
];

const log = (ts: number, body: string, severity: string): LogRecord => ({
  kind: 'log',
  ts,
  body,
  severity,
  attrs: {},
  resource: frontend,
});
const logs: LogRecord[] = [
  log(T + 1, 'user 12 logged in', 'INFO'),
  log(T + 2, 'user 7 logged in', 'ERROR'),
  log(T + 3, 'cache miss for key 0a1b2c3d4e5f', 'INFO'),
  log(T + 4, 'request 3f2b8a1c-9d4e-4f7a-a1b2-c3d4e5f60718 from 10.0.3.7 took 12.5ms', 'INFO'),
  log(T + 5, 'request 00000000-1111-4222-a333-444444444444 from 10.0.9.1 took 3ms', 'WARN'),
  log(T + 400_000, 'user 9 logged in', 'INFO'),
];

test('baseline SQL: metric_1m, service_call_5m and log counts of a tiny window are what the rules say', async () => {
  const db = await PgliteDb.open('memory://');
  try {
    await createBaselineSchema(db);
    assert.equal(await loadRaw(db, { logs, spans, metrics }), logs.length + spans.length + metrics.length);
    const out = await aggregateBaseline(db, { from: T, to: T + 300_000 });
    assert.deepEqual(out, { metricRows: 2, callRows: 4, logRows: 3 });

    const m = await db.query<{ n: number; avg_val: number; max_val: number; p95_val: number }>(
      `SELECT n, avg_val, max_val, p95_val FROM bl_metric_1m ORDER BY bucket`,
    );
    assert.deepEqual(m.rows[0], { n: 20, avg_val: 10.5, max_val: 20, p95_val: 19.05 });
    assert.deepEqual(m.rows[1], { n: 1, avg_val: 7, max_val: 7, p95_val: 7 });

    const c = await db.query<{
      src: string;
      dst: string;
      calls: number;
      errors: number;
      err_rate: number;
      p50_ms: number;
      p95_ms: number;
    }>(`SELECT src, dst, calls, errors, err_rate, p50_ms, p95_ms FROM bl_service_call_5m ORDER BY src, dst`);
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    assert.deepEqual(
      c.rows.map((r) => [r.src, r.dst, r.calls, r.errors, r.err_rate, round(r.p50_ms), round(r.p95_ms)]),
      [
        ['frontend', 'orders', 2, 1, 0.5, 40, 58], // server durations 20 and 60 ms
        ['orders', 'db:postgresql/orders', 1, 0, 0, 10, 10], // client duration
        ['orders', 'mq:kafka/order-events', 1, 0, 0, 2, 2],
        ['user', 'frontend', 1, 0, 0, 100, 100],
      ],
    );

    const l = await db.query<{ pattern: string; count_total: number; count_error: number }>(
      `SELECT pattern, count_total, count_error FROM bl_log_count_5m ORDER BY pattern`,
    );
    assert.deepEqual(l.rows, [
      { pattern: 'cache miss for key <*>', count_total: 1, count_error: 0 },
      { pattern: 'request <*> from <*> took <*>ms', count_total: 2, count_error: 0 },
      { pattern: 'user <*> logged in', count_total: 2, count_error: 1 },
    ]);

    const bytes = await tableBytes(db, RAW_TABLES);
    for (const t of RAW_TABLES) assert.ok((bytes[t] ?? 0) > 8192, `${t} has data pages and indexes`);
  } finally {
    await db.close();
  }
});
