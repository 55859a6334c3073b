import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuantileSketch } from '../../../src/agg/sketch.js';
import { compareDependencies, dependencyFromRow } from '../../../src/db/queries/dependencies.js';
import { lagSeconds } from '../../../src/db/queries/ops.js';

function sketch(values: number[]): string {
  const s = new QuantileSketch();
  for (const v of values) s.add(v);
  return s.toBase64();
}

const row = (o: Partial<Parameters<typeof dependencyFromRow>[0]>) => ({
  dst: 'urn:db:postgres:c/orders',
  dst_type: 'database',
  buckets: 2,
  calls: 200,
  errors: 10,
  p95_max: 50,
  sketched: 2,
  sketches: [
    sketch(Array.from({ length: 100 }, (_, i) => i + 1)),
    sketch(Array.from({ length: 100 }, (_, i) => 101 + i)),
  ].join(','),
  ...o,
});

describe('dependencies (typical query 1) figures', () => {
  it('merges the buckets’ sketches: the p95 of all calls, not an average of p95s', () => {
    const d = dependencyFromRow(row({}), 600_000);
    // all 200 values 1..200: p95 at index floor(0.95 * 199) = 189 → 190, within 1%
    assert.ok(Math.abs(d.p95_ms! - 190) <= 1.9, String(d.p95_ms));
    assert.equal(d.p95_source, 'sketch');
    assert.equal(d.err_rate, 0.05);
    assert.equal(d.rps, 200 / 600);
  });

  it('falls back to the largest bucket p95 when a bucket has no sketch; no calls → err_rate 0', () => {
    const d = dependencyFromRow(row({ sketched: 1, sketches: sketch([1]), p95_max: 77 }), 600_000);
    assert.equal(d.p95_ms, 77);
    assert.equal(d.p95_source, 'max_bucket');
    const none = dependencyFromRow(row({ calls: 0, errors: 0, sketched: 0, sketches: null, p95_max: null }), 600_000);
    assert.equal(none.err_rate, 0);
    assert.equal(none.p95_ms, null);
    assert.equal(none.p95_source, null);
  });

  it('orders slowest first, then most failing, then by URN; no latency last', () => {
    const mk = (dst: string, p95: number | null, err: number) => ({
      ...dependencyFromRow(row({ dst }), 1),
      p95_ms: p95,
      err_rate: err,
    });
    const sorted = [mk('b', 10, 0.5), mk('a', 10, 0.5), mk('c', null, 1), mk('d', 20, 0), mk('e', 10, 0.9)].sort(
      compareDependencies,
    );
    assert.deepEqual(
      sorted.map((d) => d.dst),
      ['d', 'e', 'a', 'b', 'c'],
    );
  });
});

describe('window lag', () => {
  it('now − end of the last success; from the oldest run when none succeeded; NaN without runs', () => {
    assert.equal(lagSeconds({ job: 'j', tenant: 't', lastSuccessTo: 1_000_000, firstFrom: 0 }, 1_180_000), 180);
    assert.equal(lagSeconds({ job: 'j', tenant: 't', lastSuccessTo: null, firstFrom: 1_000_000 }, 1_060_000), 60);
    assert.ok(Number.isNaN(lagSeconds({ job: 'j', tenant: 't', lastSuccessTo: null, firstFrom: null }, 5)));
  });
});
