import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseMeasurements, windowCases } from '../../../bench/window/window.js';
import { limitMeasurements } from '../../../bench/limit/limit.js';
import { baselineMeasurements } from '../../../bench/baseline/baseline.js';
import { toRecords, type Measurement } from '../../../bench/lib/record.js';

const byMetric = (ms: Measurement[]): Record<string, number> => Object.fromEntries(ms.map((m) => [m.metric, m.value]));

test('window cases: small scales, the seed memory case, large scales, then the big memory case; notes state volumes', () => {
  const cases = windowCases({
    dbs: ['pglite'],
    scales: [100, 1],
    jobs: ['oo-calls', 'oo-logs'],
    memory: ['1m', '100k'],
  });
  assert.deepEqual(
    cases.map((c) => c.name),
    ['oo-calls-1x', 'oo-logs-1x', 'mem-100k-logs-20k-spans', 'oo-calls-100x', 'oo-logs-100x', 'mem-1m-logs-200k-spans'],
  );
  assert.match(cases[0]!.note, /^1000 traces\/min, 5-min window: 7000 records read incl\. ±1 min pairing margin$/);
  assert.match(cases[1]!.note, /^5000 logs\/min, 5-min window: 25000 records read$/);
  assert.match(cases[2]!.note, /100000 logs, 20000 spans \(28000 spans read/);
  assert.deepEqual(cases[2]!.args.jobs, ['oo-logs', 'oo-calls']);
});

test('window figures: aggregation is what is left after source, write and reads; peak RSS is the larger sample', () => {
  const [c] = windowCases({ dbs: ['postgres'], scales: [1], jobs: ['oo-logs'], memory: [] });
  const ms = caseMeasurements(
    c!,
    {
      totalS: 1,
      jobs: [
        {
          job: 'oo-logs',
          records: 25_000,
          sourceS: 0.3,
          writeS: 0.1,
          rowsWritten: { log_pattern_5m: 10, oo_locator: 10 },
        },
      ],
      dbOtherS: 0.05,
      peakRssMb: 110,
      peakHeapUsedMb: 40,
      processMaxRssMb: 130,
      cpuS: 0.8,
      rssBeforeMb: 90,
      heapBeforeMb: 20,
    },
    120,
  );
  assert.ok(ms.every((m) => m.case === 'oo-logs-1x' && m.db === 'postgres'));
  const v = byMetric(ms);
  assert.equal(v.agg_s, 0.55);
  assert.equal(v.records_per_sec, 25_000);
  assert.equal(v.peak_rss, 120);
  assert.equal(v.rss_growth, 30);
  assert.equal(v.rows_written, 20);
  assert.equal(v.db_read_s, 0.05);
  // and every figure makes a valid record
  assert.equal(
    toRecords('window', ms, { date: 'd', commit: 'c', machine: { cores: 2, mem_gb: 1, node: 'v' }, load: 0 }).length,
    ms.length,
  );
});

test('limit: the floor is generate + encode + decode; the pipeline share comes from the newest window run per db', () => {
  const info = { commit: 'c', machine: { cores: 2, mem_gb: 1, node: 'v' }, load: 0 };
  const window = [
    ...toRecords(
      'window',
      [{ case: 'oo-logs-1x', db: 'postgres', metric: 'records_per_sec', value: 999, unit: 'records/s' }],
      { ...info, date: '2024-01-01' },
    ),
    ...toRecords(
      'window',
      [{ case: 'oo-logs-1x', db: 'postgres', metric: 'records_per_sec', value: 5_000, unit: 'records/s' }],
      { ...info, date: '2024-01-02' },
    ),
  ];
  const ms = limitMeasurements(
    'oo-logs-1x',
    { records: 10_000, genS: 0.5, encodeS: 0.2, decodeS: 0.3, jsonBytes: 2 ** 20 },
    window,
  );
  const v = byMetric(ms);
  assert.equal(v.limit_records_per_sec, 10_000);
  assert.equal(v.gen_records_per_sec, 20_000);
  assert.equal(v.pipeline_pct_of_limit, 50);
  assert.equal(v.pipeline_pct_of_gen, 25);
  assert.equal(ms.find((m) => m.metric === 'pipeline_pct_of_limit')?.db, 'postgres');
});

test('baseline: ratios are baseline time over ObserveBridge time and raw bytes over summary bytes', () => {
  const ms = baselineMeasurements(
    '1x',
    { db: 'postgres', scale: 1, warmup: false },
    {
      records: { logs: 25_000, metrics: 2_500, spans: 5_000, spansReadByOb: 7_000 },
      generateS: 1,
      baseline: {
        loadS: 3,
        aggS: 1,
        rawBytes: { raw_logs: 30 * 2 ** 20, raw_spans: 10 * 2 ** 20 },
        outputBytes: { bl_metric_1m: 2 ** 20 },
        rows: { metric_1m: 5, service_call_5m: 3, log_count_5m: 2 },
      },
      ob: { seconds: 0.5, bytes: { metric_1m: 2 ** 20, oo_locator: 2 ** 20 }, rows: { service_call_5m: 3 } },
    },
  );
  const v = byMetric(ms);
  assert.equal(v.records, 32_500);
  assert.equal(v.baseline_s, 4);
  assert.equal(v.speed_ratio, 8);
  assert.equal(v.space_ratio, 20);
  assert.equal(v.baseline_raw_mb, 40);
  assert.equal(v.ob_call_rows, 3);
});
