import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendRecords,
  latest,
  readRecords,
  resultsFile,
  toRecords,
  type BenchRecord,
  type RunInfo,
} from '../../../bench/lib/record.js';
import { formatTable, formatValue } from '../../../bench/lib/table.js';
import { toMeasurements, unitOf } from '../../../bench/lib/adapt.js';

const info: RunInfo = {
  date: '2024-06-10T06:00:00.000Z',
  commit: 'abc1234',
  machine: { cores: 2, mem_gb: 24, node: 'v20.0.0' },
  load: 1.5,
};

test('a record has exactly the conventional fields, db null when none is given', () => {
  const [r, s] = toRecords(
    'window',
    [
      { case: '1x', db: 'postgres', metric: 'seconds', value: 0.21, unit: 's' },
      { case: 'miner', metric: 'lines_per_sec', value: 250_000, unit: 'lines/s', note: 'one core' },
    ],
    info,
  );
  assert.deepEqual(r, {
    date: info.date,
    commit: 'abc1234',
    bench: 'window',
    case: '1x',
    db: 'postgres',
    metric: 'seconds',
    value: 0.21,
    unit: 's',
    machine: { cores: 2, mem_gb: 24, node: 'v20.0.0' },
    load: 1.5,
  });
  assert.equal(s?.db, null);
  assert.equal(s?.note, 'one core');
});

test('a value that is not a finite number is refused, not written as null', () => {
  assert.throws(() => toRecords('x', [{ case: 'c', metric: 'm', value: NaN, unit: 's' }], info), /not a finite/);
  assert.throws(() => toRecords('x', [{ case: 'c', metric: 'm', value: Infinity, unit: 's' }], info), /not a finite/);
});

test('records are appended one JSON object per line and read back; a torn line is skipped', () => {
  const root = mkdtempSync(join(tmpdir(), 'obbench-'));
  try {
    const recs = toRecords('limit', [{ case: 'a', metric: 'records', value: 3, unit: 'records' }], info);
    const file = appendRecords('limit', recs, root);
    appendRecords(
      'limit',
      toRecords('limit', [{ case: 'a', metric: 'records', value: 4, unit: 'records' }], info),
      root,
    );
    assert.equal(file, join(root, 'bench', 'results', 'limit.jsonl'));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), recs[0]);
    writeFileSync(file, readFileSync(file, 'utf8') + '{"date":"2024', { flag: 'w' });
    assert.deepEqual(
      readRecords('limit', root).map((r) => r.value),
      [3, 4],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bench names are path-safe', () => {
  assert.throws(() => resultsFile('../x'), /must match/);
  assert.throws(() => resultsFile('Window'), /must match/);
  assert.match(resultsFile('baseline-all-in-pg'), /bench[/\\]results[/\\]baseline-all-in-pg\.jsonl$/);
});

test('latest keeps the newest run of each case and db, whole: an older failure does not mix in', () => {
  const mk = (date: string, db: 'pglite' | 'postgres', metric: string, value: number): BenchRecord =>
    toRecords('w', [{ case: '1x', db, metric, value, unit: 's' }], { ...info, date })[0]!;
  const out = latest([
    mk('2024-01-01', 'pglite', 'failed', 1),
    mk('2024-01-02', 'pglite', 'seconds', 2),
    mk('2024-01-02', 'pglite', 'records', 7),
    mk('2024-01-01', 'postgres', 'seconds', 5),
  ]);
  assert.deepEqual(out.map((r) => [r.db, r.metric, r.value]).sort(), [
    ['pglite', 'records', 7],
    ['pglite', 'seconds', 2],
    ['postgres', 'seconds', 5],
  ]);
});

test('the table has one row per case and db, one column per metric with its unit', () => {
  const t = formatTable([
    { case: '1x', db: 'pglite', metric: 'seconds', value: 0.2134, unit: 's' },
    { case: '1x', db: 'pglite', metric: 'records', value: 25000, unit: 'records' },
    { case: '1x', db: 'postgres', metric: 'seconds', value: 0.1, unit: 's' },
  ]).split('\n');
  assert.equal(t.length, 4);
  assert.match(t[0]!, /\| case +\| db +\| seconds \(s\) \| records \(records\) \|/);
  assert.match(t[2]!, /\| 1x +\| pglite +\| +0\.213 \| +25,000 \|/);
  assert.match(t[3]!, /\| 1x +\| postgres +\| +0\.100 \| +\|/);
  assert.equal(formatValue(1234.6), '1,235');
});

test("other areas' results become measurements: arrays pass through, objects of numbers get units from names", () => {
  assert.deepEqual(
    toMeasurements('drain', [{ case: 'miner-1m-lines', linesPerSec: 250000, heapMb: 3.5, templates: 50 }]),
    [
      { case: 'miner-1m-lines', db: null, metric: 'lines_per_sec', value: 250000, unit: 'lines/s' },
      { case: 'miner-1m-lines', db: null, metric: 'heap_mb', value: 3.5, unit: 'MB' },
      { case: 'miner-1m-lines', db: null, metric: 'templates', value: 50, unit: 'count' },
    ],
  );
  assert.deepEqual(toMeasurements('agg', [{ case: 'calls', metric: 'records_per_sec', value: 5, unit: 'spans/s' }]), [
    { case: 'calls', db: null, metric: 'records_per_sec', value: 5, unit: 'spans/s' },
  ]);
  const nested = toMeasurements('queue', { claimsPerSec: 900, pglite: { db: 'pglite', p99Ms: 4 } });
  assert.deepEqual(nested, [
    { case: 'queue', db: null, metric: 'claims_per_sec', value: 900, unit: 'claims/s' },
    { case: 'queue/pglite', db: 'pglite', metric: 'p99_ms', value: 4, unit: 'ms' },
  ]);
  assert.equal(unitOf('totalS'), 's');
  assert.equal(unitOf('sizeBytes'), 'B');
});

test('readRecords of a bench without results is empty', () => {
  const root = mkdtempSync(join(tmpdir(), 'obbench-'));
  try {
    mkdirSync(join(root, 'bench'), { recursive: true });
    assert.deepEqual(readRecords('none', root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
