import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuantileSketch, exactQuantile } from '../../../src/agg/sketch.js';
import { computeActiveEdges, type CallBucket } from '../../../src/db/graph/active-edges.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const MIN = 60_000;
const W = { from: T - 5 * MIN, to: T };

function bucket(src: number, dst: number, at: number, latencies: number[], errors = 0): CallBucket {
  const s = new QuantileSketch();
  for (const v of latencies) s.add(v);
  return { src, dst, bucket: at, calls: latencies.length, errors, sketch: s.toBytes(), p95Ms: s.quantile(0.95) };
}

const near = (actual: number | null, expected: number, rel = 0.01): void => {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= rel * expected,
    `${actual} not within ${rel} of ${expected}`,
  );
};

describe('computeActiveEdges', () => {
  it('sums counts, weights the error rate by calls, and merges the sketches for p95', () => {
    const a = Array<number>(10).fill(10);
    const b = Array<number>(30).fill(30);
    const edges = computeActiveEdges([bucket(1, 2, T - 10 * MIN, a, 5), bucket(1, 2, T - 5 * MIN, b, 0)], W);
    assert.equal(edges.length, 1);
    const e = edges[0]!;
    assert.equal(e.calls, 40);
    assert.equal(e.errors, 5);
    assert.equal(e.rps, 40 / 600);
    assert.equal(e.errRate, 5 / 40); // not (0.5 + 0) / 2
    // p95 of all 40 calls: sorted[⌊0.95·39⌋] = sorted[37] = 30; the seed's average of p95s would be 20.
    near(
      e.p95Ms,
      exactQuantile(
        [...a, ...b].sort((x, y) => x - y),
        0.95,
      ),
    );
    assert.ok(Math.abs((e.p95Ms ?? 0) - 20) > 5);
    assert.equal(e.firstSeen, T - 10 * MIN);
    assert.equal(e.lastSeen, T - 5 * MIN);
  });

  it('reads only the 10 minutes before the window end, whatever rows it is given', () => {
    const edges = computeActiveEdges(
      [
        bucket(1, 2, T - 15 * MIN, [1]),
        bucket(1, 3, T, [1]),
        bucket(2, 3, T - 5 * MIN, [7, 8]),
        bucket(2, 1, T - 10 * MIN, [4]),
      ],
      W,
    );
    assert.deepEqual(
      edges.map((e) => [e.src, e.dst, e.calls]),
      [
        [2, 1, 1],
        [2, 3, 2],
      ],
    );
  });

  it('falls back to the largest bucket p95 (an upper bound) when a bucket has no sketch', () => {
    const withSketch = bucket(1, 2, T - 10 * MIN, [5, 5, 5]);
    const without: CallBucket = { src: 1, dst: 2, bucket: T - 5 * MIN, calls: 4, errors: 0, sketch: null, p95Ms: 80 };
    const [e] = computeActiveEdges([withSketch, without], W);
    assert.equal(e?.p95Ms, 80);
    const none: CallBucket = { ...without, p95Ms: null };
    assert.equal(computeActiveEdges([none], W)[0]?.p95Ms, null);
  });

  it('gives a zero error rate, not NaN, to an edge without calls', () => {
    const z: CallBucket = { src: 1, dst: 2, bucket: T - 5 * MIN, calls: 0, errors: 0, sketch: null, p95Ms: null };
    const [e] = computeActiveEdges([z], W);
    assert.equal(e?.errRate, 0);
    assert.equal(e?.rps, 0);
  });
});

describe('computeActiveEdges with one bucket', () => {
  it("takes the bucket's own p95 (same sketch) instead of decoding it", () => {
    const b = bucket(1, 2, T - 5 * MIN, [3, 9, 27]);
    const [e] = computeActiveEdges([{ ...b, p95Ms: 26.5 }], W);
    assert.equal(e?.p95Ms, 26.5);
    const [decoded] = computeActiveEdges([{ ...b, p95Ms: null }], W);
    near(decoded!.p95Ms, 9); // sorted[⌊0.95·2⌋] = sorted[1] = 9
  });
});
