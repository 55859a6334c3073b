import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DDSketch } from '@datadog/sketches-js';
import { QuantileSketch, exactQuantile } from '../../../src/agg/sketch.js';
import { rng } from './span-gen.js';

const QS = [0, 0.25, 0.5, 0.9, 0.95, 0.99, 1];

function within(actual: number, exact: number, rel = 0.01): boolean {
  return Math.abs(actual - exact) <= rel * Math.abs(exact) + 1e-12;
}

function sketchOf(values: readonly number[]): QuantileSketch {
  const s = new QuantileSketch();
  for (const v of values) s.add(v);
  return s;
}

test('reference examples of service-graph.md §4: rank ⌊q·(n−1)⌋, not interpolation', () => {
  const a = sketchOf([10, 20, 30, 40, 100]);
  assert.ok(within(a.quantile(0.5), 30));
  assert.ok(within(a.quantile(0.95), 40), `p95 ${a.quantile(0.95)}`);
  const b = sketchOf(Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(within(b.quantile(0.5), 10));
  assert.ok(within(b.quantile(0.95), 19));
});

test('quantiles within 1 % of the exact value on skewed data, including negatives and zeros', () => {
  const r = rng(42);
  for (const n of [1, 2, 7, 9, 100, 10_000]) {
    const values = Array.from({ length: n }, (_, i) =>
      i % 17 === 0 ? 0 : i % 5 === 0 ? -Math.exp(r() * 8) : Math.exp(r() * 12) / 100,
    );
    const s = sketchOf(values);
    const sorted = [...values].sort((x, y) => x - y);
    for (const q of QS) {
      const want = exactQuantile(sorted, q);
      assert.ok(within(s.quantile(q), want), `n=${n} q=${q}: ${s.quantile(q)} vs ${want}`);
    }
    assert.equal(s.count, n);
    assert.equal(s.min, sorted[0]);
    assert.equal(s.max, sorted[n - 1]);
  }
});

test('a repeated value comes back exactly (clamped to [min, max]); empty sketch gives NaN', () => {
  const s = sketchOf([0.706, 0.706, 0.706]);
  assert.equal(s.quantile(0.5), 0.706);
  assert.equal(s.quantile(0.95), 0.706);
  assert.ok(Number.isNaN(new QuantileSketch().quantile(0.5)));
  assert.ok(Number.isNaN(s.quantile(1.5)));
});

test('merge equals the sketch of the union (negative values too: library merge drops them)', () => {
  const r = rng(7);
  const a = Array.from({ length: 300 }, () => (r() - 0.3) * 1000);
  const b = Array.from({ length: 5 }, () => (r() - 0.7) * 1000); // stays inline (small)
  const c = Array.from({ length: 400 }, () => (r() - 0.5) * 50);
  const merged = sketchOf(a);
  merged.merge(sketchOf(b));
  merged.merge(sketchOf(c));
  const union = sketchOf([...a, ...b, ...c]);
  for (const q of QS) assert.equal(merged.quantile(q), union.quantile(q), `q=${q}`);
  assert.equal(merged.count, 705);
  // The library alone gets the minimum wrong after a merge of negative values.
  const l1 = new DDSketch();
  const l2 = new DDSketch();
  l1.accept(-5);
  l2.accept(-10);
  l2.accept(1);
  l1.merge(l2);
  assert.notEqual(l1.getValueAtQuantile(0).toFixed(0), '-10');
  const m = sketchOf([-5]);
  m.merge(sketchOf([-10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  assert.ok(within(m.quantile(0), -10));
});

test('bytes round-trip: same quantiles and count, compact, readable by the library too', () => {
  const r = rng(3);
  for (const n of [1, 5, 50, 5000]) {
    const values = Array.from({ length: n }, () => Math.exp(r() * 10));
    const s = sketchOf(values);
    const bytes = s.toBytes();
    const back = QuantileSketch.fromBytes(bytes, { min: s.min, max: s.max, sum: s.sum });
    assert.equal(back.count, n);
    for (const q of QS) assert.equal(back.quantile(q), s.quantile(q), `n=${n} q=${q}`);
    const b64 = QuantileSketch.fromBase64(s.toBase64());
    assert.equal(b64.count, n);
    assert.ok(Number.isNaN(b64.sum), 'sum unknown without a summary');
    if (n <= 5) assert.ok(bytes.length < 120, `${n} values: ${bytes.length} bytes`);
  }
  // Dense form (many values) is readable by the library's own decoder.
  const dense = sketchOf(Array.from({ length: 2000 }, (_, i) => 1 + i / 10));
  const lib = DDSketch.fromProto(dense.toBytes());
  assert.equal(lib.count, 2000);
  assert.ok(within(lib.getValueAtQuantile(0.95), dense.quantile(0.95)));
});

test('deserialized sketches merge with fresh ones', () => {
  const a = sketchOf([1, 2, 3]);
  const b = QuantileSketch.fromBytes(sketchOf([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]).toBytes(), {
    min: 4,
    max: 13,
    sum: 85,
  });
  a.merge(b);
  assert.equal(a.count, 13);
  assert.equal(a.sum, 91);
  assert.ok(within(a.quantile(0.5), 7));
  assert.equal(a.relativeAccuracy, 0.01);
  const coarse = new QuantileSketch({ relativeAccuracy: 0.02 });
  coarse.add(1);
  assert.throws(() => a.merge(coarse), /relative accuracy/);
});
