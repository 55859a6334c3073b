import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsAggregator, OVERFLOW_LABELS, canonicalLabelKey, type MetricRow } from '../../../src/agg/metrics.js';
import { QuantileSketch, exactQuantile } from '../../../src/agg/sketch.js';
import type { Attrs, MetricPoint, Resource } from '../../../src/core/records.js';
import { rng } from './span-gen.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const MIN = 60_000;
const checkout: Resource = {
  attrs: { 'service.name': 'checkout', 'k8s.namespace.name': 'shop', 'k8s.pod.name': 'checkout-1' },
};

function point(
  ts: number,
  name: string,
  value: number,
  labels: Attrs = {},
  resource: Resource = checkout,
): MetricPoint {
  return { kind: 'metric', ts, name, value, labels, resource };
}

function run(points: MetricPoint[], opts: Partial<ConstructorParameters<typeof MetricsAggregator>[0]> = {}) {
  const agg = new MetricsAggregator({ window: { from: T, to: T + MIN }, ...opts });
  for (const p of points) agg.add(p);
  return agg.finish();
}

test('given a sample series: count, sum, avg, min, max exact; p95 within 1 % of the exact value', () => {
  const r = rng(5);
  const values = Array.from({ length: 600 }, () => Math.round(Math.exp(r() * 7) * 100) / 100);
  const { rows, stats } = run(values.map((v, i) => point(T + i * 100, 'http.server.duration', v, { route: '/pay' })));
  assert.equal(rows.length, 1);
  const row = rows[0] as MetricRow;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  assert.equal(row.bucket, T);
  assert.equal(row.resourceUrn, 'urn:k8s:svc:shop/checkout');
  assert.equal(row.metric, 'http.server.duration');
  assert.deepEqual(row.labels, { route: '/pay' });
  assert.equal(row.count, 600);
  assert.ok(Math.abs(row.sum - sum) < 1e-6);
  assert.ok(Math.abs(row.avg - sum / 600) < 1e-9);
  assert.equal(row.min, sorted[0]);
  assert.equal(row.max, sorted[599]);
  const exact = exactQuantile(sorted, 0.95);
  assert.ok(Math.abs(row.p95 - exact) <= 0.01 * exact, `p95 ${row.p95} vs exact ${exact}`);
  assert.equal(stats.points, 600);
  // The stored sketch decodes to the same figures.
  const back = QuantileSketch.fromBytes(row.sketch!, { min: row.min, max: row.max, sum: row.sum });
  assert.equal(back.count, 600);
  assert.equal(back.quantile(0.95), row.p95);
});

test('hand-checked small series: avg/max/p95 of 1..20', () => {
  const { rows } = run(Array.from({ length: 20 }, (_, i) => point(T + i, 'cpu', i + 1)));
  const row = rows[0] as MetricRow;
  assert.equal(row.avg, 10.5);
  assert.equal(row.max, 20);
  assert.equal(row.min, 1);
  assert.ok(Math.abs(row.p95 - 19) <= 0.19, `p95 ${row.p95}`);
});

test('series identity: canonical label set, resource labels excluded, per bucket', () => {
  const points = [
    point(T + 1, 'mem', 1, { a: '1', b: 'x' }),
    point(T + 2, 'mem', 3, { b: 'x', a: 1 }), // other key order, number vs string: same series
    point(T + 3, 'mem', 5, { a: '1', b: 'x', 'service.name': 'checkout', k8s_namespace_name: 'shop' }), // identity keys dropped
    point(T + 4, 'mem', 7, { a: '2', b: 'x' }),
    point(T + MIN + 4, 'mem', 9, { a: '2', b: 'x' }), // next bucket
  ];
  const { rows } = run(points, { window: { from: T, to: T + 2 * MIN } });
  assert.deepEqual(
    rows.map((r) => [r.bucket - T, r.labels, r.count, r.sum]),
    [
      [0, { a: '1', b: 'x' }, 3, 9],
      [0, { a: '2', b: 'x' }, 1, 7],
      [MIN, { a: '2', b: 'x' }, 1, 9],
    ],
  );
});

test('which labels identify a series is configurable (include / exclude)', () => {
  const pts = [point(T, 'req', 1, { route: '/a', pod: 'p1' }), point(T + 1, 'req', 2, { route: '/a', pod: 'p2' })];
  assert.equal(run(pts).rows.length, 2);
  const ex = run(pts, { seriesLabels: { exclude: ['pod'] } }).rows;
  assert.deepEqual(
    ex.map((r) => [r.labels, r.count]),
    [[{ route: '/a' }, 2]],
  );
  const inc = run(pts, { seriesLabels: { include: ['pod'] } }).rows;
  assert.deepEqual(
    inc.map((r) => r.labels),
    [{ pod: 'p1' }, { pod: 'p2' }],
  );
});

test('resource from flattened labels (OpenObserve), fallback URN, and rejects', () => {
  const bare: Resource = { attrs: {} };
  const out = run([
    point(T, 'up', 1, { service_name: 'billing', service_namespace: 'fin', zone: 'a' }, bare),
    point(T, 'up', 1, { zone: 'a' }, bare), // no identity
    point(T - 1, 'up', 1), // outside the window
    point(T + MIN, 'up', 1),
    point(T, 'up', Number.NaN),
    point(Number.NaN, 'up', 1),
  ]);
  assert.deepEqual(
    out.rows.map((r) => [r.resourceUrn, r.labels, r.resourceAttrs]),
    [['urn:svc:fin/billing', { zone: 'a' }, { 'service.name': 'billing', 'service.namespace': 'fin' }]],
  );
  assert.deepEqual(out.stats.rejected, { bad_timestamp: 1, nan_value: 1, no_identity: 1, outside_window: 2 });
  const fb = run([point(T, 'up', 1, { zone: 'a' }, bare)], { fallbackResourceUrn: 'urn:host:_' });
  assert.equal(fb.rows[0]?.resourceUrn, 'urn:host:_');
});

test('cardinality cap: 100,000 distinct label values keep at most cap series plus an overflow series', () => {
  const cap = 10_000;
  const agg = new MetricsAggregator({ window: { from: T, to: T + MIN }, maxSeriesPerMetric: cap });
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100_000; i++) agg.add(point(T + (i % MIN), 'req', i % 7, { user_id: `u${i}` }));
  agg.add(point(T, 'other', 1, { user_id: 'u1' })); // another metric has its own budget
  const { rows, stats } = agg.finish();
  const req = rows.filter((r) => r.metric === 'req');
  assert.equal(req.length, cap + 1);
  const overflow = req.filter((r) => r.labels.__overflow__ === 'true');
  assert.equal(overflow.length, 1);
  assert.deepEqual(overflow[0]?.labels, OVERFLOW_LABELS);
  assert.equal(overflow[0]?.count, 90_000);
  assert.equal(
    req.reduce((n, r) => n + r.count, 0),
    100_000,
    'no point lost',
  );
  assert.equal(stats.overflowPoints, 90_000);
  assert.deepEqual(stats.overflowByMetric, { req: 90_000 });
  assert.equal(rows.filter((r) => r.metric === 'other').length, 1);
  const grownMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  assert.ok(grownMb < 120, `heap grew ${grownMb.toFixed(0)} MB`);
});

test('cardinality cap also bounds series that explode across resources', () => {
  const agg = new MetricsAggregator({ window: { from: T, to: T + MIN }, maxSeriesPerMetric: 10 });
  for (let i = 0; i < 1000; i++) agg.add(point(T, 'up', 1, {}, { attrs: { 'host.name': `h${i}` } }));
  const { rows, stats } = agg.finish();
  assert.equal(rows.length, 20); // 10 series + 10 per-resource overflow series
  assert.equal(stats.droppedPoints, 980);
  assert.equal(stats.overflowPoints, 990);
});

test('rows are sorted and deterministic regardless of input order', () => {
  const r = rng(9);
  const pts = Array.from({ length: 500 }, (_, i) =>
    point(
      T + Math.floor(r() * MIN),
      `m${i % 3}`,
      r() * 100,
      { k: `v${i % 11}` },
      i % 2 ? checkout : { attrs: { 'host.name': 'db-1' } },
    ),
  );
  const a = run(pts).rows;
  const b = run([...pts].reverse()).rows;
  const strip = (rows: MetricRow[]) =>
    rows.map((x) => ({ ...x, sum: Math.round(x.sum * 1e6), avg: Math.round(x.avg * 1e6) }));
  assert.deepEqual(strip(a), strip(b));
});

test('label-set keys are unambiguous, even when values contain the separator characters', () => {
  assert.notEqual(canonicalLabelKey(['a'], { a: 'x\x02b\x01y' }), canonicalLabelKey(['a', 'b'], { a: 'x', b: 'y' }));
  assert.equal(canonicalLabelKey(['a', 'b'], { b: 2, a: '1' }), canonicalLabelKey(['a', 'b'], { a: 1, b: '2' }));
  const { rows } = run([point(T, 'm', 1, { a: 'x\x02b\x01y' }), point(T, 'm', 2, { a: 'x', b: 'y' })]);
  assert.equal(rows.length, 2);
});

test('a repeated sample counts once; points that differ in value, label or pod are different samples', () => {
  const pod2: Resource = { attrs: { ...checkout.attrs, 'k8s.pod.name': 'checkout-2' } };
  const base = [
    point(T, 'queue.depth', 5, { queue: 'a' }),
    point(T, 'queue.depth', 7, { queue: 'a' }, pod2), // another pod of the same service: same row
    point(T + 1000, 'queue.depth', 5, { queue: 'a' }),
    point(T, 'queue.depth', 5, { queue: 'b' }),
  ];
  const once = run(base);
  // every point again (a page read twice), plus an equal point built from new objects
  const twice = run([...base, ...base, point(T, 'queue.depth', 5, { queue: 'a' }, { attrs: { ...checkout.attrs } })]);
  assert.deepEqual(
    twice.rows.map((r) => [r.labels, r.count, r.sum]),
    once.rows.map((r) => [r.labels, r.count, r.sum]),
  );
  assert.deepEqual(
    once.rows.map((r) => [r.labels['queue'], r.count, r.sum]),
    [
      ['a', 3, 17],
      ['b', 1, 5],
    ],
  );
  assert.equal(twice.stats.rejected['duplicate_sample'], 5);
  assert.equal(once.stats.rejected['duplicate_sample'], undefined);
});
