/**
 * Scenario 5 — late and odd data, through the real oo-metrics, oo-calls and oo-logs jobs with an
 * in-test source that yields what a misbehaving upstream could: records far outside the window (the
 * Source contract says sources drop them; the jobs must not trust that), duplicates, any order, a
 * 1 MB log line, NUL / lone surrogates / mojibake in bodies and labels, and 100,000 distinct label
 * values of one metric in one window. Each case runs on a fresh database and is compared with a clean
 * run of the same base records (summary tables as canonical rows, test/helpers/reliability/checksum.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset, LogRecord, MetricPoint, TelemetryRecord } from '../../src/core/records.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import type { JobResult } from '../../src/jobs/job.js';
import { ooCallsJob } from '../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../src/jobs/oo-logs.js';
import { ooMetricsJob } from '../../src/jobs/oo-metrics.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import type { Source } from '../../src/sources/source.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import { drivers, openTestDb, type DriverName } from '../helpers/db.js';
import { runWindow, seedTenants } from '../helpers/job-harness.js';
import { compareRows, summaryRows, type TableRows } from '../helpers/reliability/checksum.js';
import { report } from '../helpers/reliability/report.js';
import { MIN, T0 } from '../helpers/reliability/setup.js';

const W: Window = { from: T0, to: T0 + 5 * MIN };
const YEAR = 365 * 24 * 60 * MIN;
const DATASETS: Dataset[] = ['metrics', 'traces', 'logs'];

type Records = Record<Dataset, TelemetryRecord[]>;

/** The base records of W: the mock source at a small scale, read once. */
async function baseRecords(): Promise<Records> {
  const mock = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 11, scale: 0.02 }));
  const tenant: Tenant = { id: 1, code: 'odd', name: 'odd' };
  const out: Records = { metrics: [], traces: [], logs: [] };
  for (const d of DATASETS) {
    for await (const r of mock.stream(tenant, d, W, new RejectStats())) out[d].push(r);
  }
  return out;
}

/** Yields the given records for every window asked, unfiltered: the jobs must drop what is outside. */
function leaky(records: Records): Source {
  return {
    kind: 'leaky',
    location: (_t, d) => ({ bucket: 'org1', objectKey: d }),
    async *stream(_t, d): AsyncIterable<TelemetryRecord> {
      for (const r of records[d]) yield r;
    },
  };
}

interface RunOut {
  rows: TableRows;
  results: JobResult[];
  rejected: Record<string, number>;
}

/** oo-metrics over the five 1-minute windows of W, oo-calls and oo-logs over W, on a fresh database. */
async function runAll(driver: DriverName, records: Records): Promise<RunOut> {
  const t = await openTestDb(driver);
  try {
    const [tenant] = await seedTenants(t.db, ['odd']);
    const src = leaky(records);
    const results: JobResult[] = [];
    const rejected: Record<string, number> = {};
    const add = (s: RejectStats): void => {
      for (const [k, v] of Object.entries(s.toJSON())) if (typeof v === 'number') rejected[k] = (rejected[k] ?? 0) + v;
    };
    const metrics = ooMetricsJob();
    for (let m = W.from; m < W.to; m += MIN) {
      const r = await runWindow(t.db, metrics, tenant!, { from: m, to: m + MIN }, src);
      results.push(r.result);
      add(r.stats);
    }
    for (const job of [ooCallsJob(), ooLogsJob()]) {
      const r = await runWindow(t.db, job, tenant!, W, src);
      results.push(r.result);
      add(r.stats);
    }
    return { rows: await summaryRows(t.db), results, rejected };
  } finally {
    await t.close();
  }
}

/** Deterministic shuffle (xorshift). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const a = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A copy of `r` moved by `by` ms (spans get a new span id: a moved copy is another span, not a duplicate). */
function shifted(r: TelemetryRecord, by: number): TelemetryRecord {
  return r.kind === 'span'
    ? { ...r, spanId: `${r.spanId}-${by}`, start: r.start + by, end: r.end + by }
    : { ...r, ts: r.ts + by };
}

/** `extra` spread at random positions among `base`, whose own order is kept. */
function interleave<T>(base: readonly T[], extra: readonly T[], seed: number): T[] {
  const marks = shuffled([...base.map(() => true), ...extra.map(() => false)], seed);
  let i = 0;
  let j = 0;
  return marks.map((m) => (m ? base[i++]! : extra[j++]!));
}

/** Summary rows without the log tables (Drain mining depends on arrival order; see the test). */
function withoutLogs(rows: TableRows): TableRows {
  const { log_pattern_5m: _a, log_pattern: _b, ...rest } = rows;
  return rest;
}

function logTotal(rows: TableRows): number {
  return (rows.log_pattern_5m ?? []).reduce((n, l) => n + Number((JSON.parse(l) as unknown[])[4]), 0);
}

/** Lines of every table whose bucket (first element) lies outside W. */
function outsideW(rows: TableRows): string[] {
  const out: string[] = [];
  for (const table of ['metric_1m', 'service_call_5m', 'log_pattern_5m']) {
    for (const line of rows[table] ?? []) {
      const bucket = Date.parse((JSON.parse(line) as string[])[0]!);
      if (!(bucket >= W.from && bucket < W.to)) out.push(`${table}: ${line.slice(0, 120)}`);
    }
  }
  return out;
}

function assertSame(reference: TableRows, actual: TableRows, what: string): number {
  const c = compareRows(reference, actual);
  assert.equal(c.differences, 0, `${what}: ${JSON.stringify(c.tables)}`);
  return c.rows;
}

for (const driver of drivers()) {
  describe(`reliability: late and odd data (${driver})`, { timeout: 120_000 }, () => {
    const base = baseRecords();
    let ref: Promise<RunOut> | undefined;
    const reference = async (): Promise<RunOut> => (ref ??= runAll(driver, await base));

    it('far-future/far-past/neighbour-window records are dropped and counted; out-of-order equals in-order', async () => {
      const b = await base;
      const r0 = await reference();
      assert.ok(
        r0.rows.metric_1m!.length > 0 && r0.rows.service_call_5m!.length > 0 && r0.rows.log_pattern_5m!.length > 0,
      );
      assert.deepEqual(outsideW(r0.rows), []);

      const extra: Records = { metrics: [], traces: [], logs: [] };
      let injected = 0;
      for (const d of DATASETS) {
        const sample = b[d].slice(0, 20);
        for (const by of [100 * YEAR, -50 * YEAR, 5 * MIN, -5 * MIN, -W.from]) {
          for (const r of sample) extra[d].push(shifted(r, by));
          injected += sample.length;
        }
      }
      const late = await runAll(driver, {
        metrics: interleave(b.metrics, extra.metrics, 1),
        traces: interleave(b.traces, extra.traces, 2),
        logs: interleave(b.logs, extra.logs, 3),
      });
      const compared = assertSame(r0.rows, late.rows, 'late records');
      assert.deepEqual(outsideW(late.rows), []);
      // metrics and logs count what they drop (spans outside oo-calls' padded range are tallied in its result)
      assert.ok((late.rejected.outside_window ?? 0) >= 2 * 4 * 20, JSON.stringify(late.rejected));

      // Out of order: metrics and calls are order-independent. Log patterns are not: Drain merges
      // templates in arrival order and log_pattern keeps the first message as the sample, so shuffled
      // lines may mine other templates; sources deliver logs time-ordered (OO pages by _timestamp).
      const inOrder = await runAll(driver, {
        metrics: shuffled(b.metrics, 7),
        traces: shuffled(b.traces, 8),
        logs: shuffled(b.logs, 9),
      });
      const compared2 = assertSame(withoutLogs(r0.rows), withoutLogs(inOrder.rows), 'shuffled records');
      assert.equal(logTotal(inOrder.rows), logTotal(r0.rows), 'every shuffled log line counted once');
      report(`odd-data late+order (${driver})`, {
        injected,
        outsideWindowCounted: late.rejected.outside_window ?? 0,
        windows: 7 * 3,
        rowsCompared: compared + compared2,
        differences: 0,
      });
    });

    it('duplicated records: spans, metric samples and log rows with ids count once; id-less log lines twice', async () => {
      const b = await base;
      const r0 = await reference();
      // The logs carry OpenObserve row ids (_o2_id, kept when a stream stores original data).
      const logs = b.logs.map((r, i) => ({ ...r, rowId: String(7_000_000 + i) }));
      const twice = await runAll(driver, {
        metrics: [...b.metrics, ...b.metrics],
        traces: shuffled([...b.traces, ...b.traces], 4),
        logs: [...logs, ...logs],
      });
      const compared = assertSame(r0.rows, twice.rows, 'every record twice');
      assert.equal(twice.rejected.duplicate_sample, b.metrics.length, JSON.stringify(twice.rejected));
      assert.equal(twice.rejected.duplicate_row, b.logs.length, JSON.stringify(twice.rejected));
      // Without row ids two equal log lines are two lines (one _timestamp is shared by a batch
      // ingested without timestamps): every pattern count doubles, nothing else changes.
      const idless = await runAll(driver, { ...b, logs: [...b.logs, ...b.logs] });
      assert.deepEqual(withoutLogs(idless.rows), withoutLogs(r0.rows));
      const counts = (rows: string[]): number[] => rows.map((l) => Number((JSON.parse(l) as unknown[])[4]));
      assert.deepEqual(
        counts(idless.rows.log_pattern_5m!),
        counts(r0.rows.log_pattern_5m!).map((n) => 2 * n),
      );
      report(`odd-data duplicates (${driver})`, {
        duplicated: b.metrics.length + b.traces.length + b.logs.length,
        duplicateSamplesDropped: twice.rejected.duplicate_sample ?? 0,
        duplicateRowsDropped: twice.rejected.duplicate_row ?? 0,
        rowsCompared: compared,
        differences: 0,
      });
    });

    it('a 1 MB log line and NUL / lone surrogates / mojibake in bodies, labels and service names are stored', async () => {
      const b = await base;
      const weird = [
        'nul\u0000byte',
        'lone \ud800 high',
        'lone \udc00 low',
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString('latin1'),
        '\u{1F600}ok',
      ];
      const res = b.logs[0]!.resource;
      const logs: LogRecord[] = weird.map((s, i) => ({
        kind: 'log',
        ts: W.from + 1000 + i,
        body: `weird ${s} body`,
        severity: 'ERROR',
        attrs: { [`k${s}`]: s },
        resource: { attrs: { ...res.attrs, 'service.name': `svc-${s}` } },
      }));
      const huge = `start ${'abcdefgh '.repeat(116_509)}end`; // ≈ 1 MB
      logs.push({ kind: 'log', ts: W.from + 2000, body: huge, attrs: {}, resource: res });
      const mres = (b.metrics[0] as MetricPoint).resource;
      const points: MetricPoint[] = weird.map((s, i) => ({
        kind: 'metric',
        ts: W.from + 500 + i,
        name: `weird_metric`,
        value: i,
        labels: { label: s, [`key${s}`]: 'v' },
        resource: { attrs: { ...mres.attrs, 'service.name': `msvc-${s}` } },
      }));
      const t0 = Date.now();
      const out = await runAll(driver, {
        metrics: [...b.metrics, ...points],
        traces: b.traces,
        logs: [...b.logs, ...logs],
      });
      const ms = Date.now() - t0;
      const patterns = out.rows.log_pattern!.map((l) => JSON.parse(l) as unknown[]);
      const samples = patterns.map((p) => String(p[3]));
      assert.ok(
        samples.every((s) => s.length <= 1024),
        'sample_message capped at 1024',
      );
      assert.ok(
        samples.some((s) => s.startsWith('start abcdefgh')),
        'the huge line has a pattern',
      );
      assert.ok(
        out.rows.metric_1m!.some((l) => l.includes('weird_metric')),
        'weird metric stored',
      );
      assert.ok(
        out.rows.dim_resource!.some((l) => l.includes('msvc-')),
        'weird service stored',
      );
      report(`odd-data bytes (${driver})`, { weirdValues: weird.length, hugeLineBytes: huge.length, ms });
    });

    it('100,000 distinct label values in one metric window: capped series + overflow, window succeeds', async () => {
      const b = await base;
      const mres = (b.metrics[0] as MetricPoint).resource;
      const points: MetricPoint[] = [];
      for (let i = 0; i < 100_000; i++) {
        points.push({
          kind: 'metric',
          ts: W.from + (i % 60_000),
          name: 'hot_metric',
          value: i % 97,
          labels: { user_id: `u${i}` },
          resource: mres,
        });
      }
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['odd']);
        const heap0 = process.memoryUsage().heapUsed;
        const t0 = Date.now();
        const { result } = await runWindow(
          t.db,
          ooMetricsJob(),
          tenant!,
          { from: W.from, to: W.from + MIN },
          leaky({ metrics: points, traces: [], logs: [] }),
        );
        const ms = Date.now() - t0;
        const heapMb = Math.round((process.memoryUsage().heapUsed - heap0) / 1e6);
        const r = await t.db.query<{ n: number; overflow: number; total: string }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE labels ? '__overflow__')::int AS overflow, sum(count)::text AS total
           FROM metric_1m WHERE metric = 'hot_metric'`,
        );
        const row = r.rows[0]!;
        assert.equal(row.n, 10_001, 'cap (10,000) series + one overflow series');
        assert.equal(row.overflow, 1);
        assert.equal(Number(row.total), 100_000, 'every point counted once, in a series or the overflow');
        assert.equal(result.overflowPoints, 90_000);
        report(`odd-data cardinality (${driver})`, {
          points: 100_000,
          rows: row.n,
          overflowPoints: 90_000,
          ms,
          heapDeltaMb: heapMb,
        });
      } finally {
        await t.close();
      }
    });
  });
}
