import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAggregator } from '../../../src/agg/aggregator.js';
import { MetricsAggregator } from '../../../src/agg/metrics.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { MetricPoint } from '../../../src/core/records.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const p = (ts: number, value: number): MetricPoint => ({
  kind: 'metric',
  ts,
  name: 'up',
  value,
  labels: {},
  resource: { attrs: { 'service.name': 'a' } },
});

test('runAggregator feeds sync and async input and reports records in, out and rejected', async () => {
  const input = [p(T, 1), p(T + 1, 2), p(T - 1, 3), p(T + 2, Number.NaN)];
  async function* stream() {
    yield* input;
  }
  for (const records of [input, stream()]) {
    const clock = new ManualClock(1000);
    const agg = new MetricsAggregator({ window: { from: T, to: T + 60_000 } });
    const run = await runAggregator(
      {
        add: (r: MetricPoint) => {
          clock.advance(5);
          agg.add(r);
        },
        finish: () => agg.finish(),
        counters: agg.counters,
      },
      records,
      clock,
    );
    assert.equal(run.output.rows.length, 1);
    assert.deepEqual(run.counters, { in: 4, out: 1, rejected: 2, reasons: { nan_value: 1, outside_window: 1 } });
    assert.equal(run.elapsedMs, 20);
  }
});
