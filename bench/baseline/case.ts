/**
 * One case of the baseline benchmark, in its own process: the same 5-minute window of raw records
 * (a) loaded into PostgreSQL and aggregated there in SQL, (b) aggregated by ObserveBridge's jobs
 * (five oo-metrics windows, one oo-calls, one oo-logs) writing its summary tables. Generation is
 * done up front and excluded from both timings.
 */
import type { LogRecord, MetricPoint, Span } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import { childMain } from '../lib/child.js';
import { openBenchDb } from '../lib/db.js';
import { BENCH_JOBS } from '../lib/jobs.js';
import { runWindow, seedTenants } from '../../test/helpers/job-harness.js';
import type { DbKind } from '../lib/record.js';
import { ArraySource, collect, MINUTE, mockSource, seconds, T0 } from '../lib/sources.js';
import { aggregateBaseline, createBaselineSchema, loadRaw, OUTPUT_TABLES, RAW_TABLES, tableBytes } from './sql.js';

export interface BaselineCaseArgs {
  db: DbKind;
  scale: number;
  warmup: boolean;
  pgliteTemplate?: string;
}

export const OB_TABLES = [
  'metric_1m',
  'service_call_5m',
  'log_pattern_5m',
  'log_pattern',
  'dim_resource',
  'oo_locator',
];

export interface BaselineCaseResult {
  records: { logs: number; metrics: number; spans: number; spansReadByOb: number };
  generateS: number;
  baseline: {
    loadS: number;
    aggS: number;
    rawBytes: Record<string, number>;
    outputBytes: Record<string, number>;
    rows: Record<string, number>;
  };
  ob: { seconds: number; bytes: Record<string, number>; rows: Record<string, number> };
}

interface WindowData {
  w: Window;
  logs: LogRecord[];
  metrics: MetricPoint[];
  spans: Span[];
  spansPadded: Span[];
}

async function generate(scale: number, w: Window): Promise<WindowData> {
  const src = mockSource(scale);
  const t: Tenant = { id: 0, code: 'bench', name: 'bench' };
  const st = new RejectStats();
  const padded = { from: w.from - MINUTE, to: w.to + MINUTE };
  const spansPadded = (await collect(src, t, 'traces', padded, st)) as Span[];
  return {
    w,
    logs: (await collect(src, t, 'logs', w, st)) as LogRecord[],
    metrics: (await collect(src, t, 'metrics', w, st)) as MetricPoint[],
    spans: spansPadded.filter((s) => s.start >= w.from && s.start < w.to),
    spansPadded,
  };
}

async function runBaseline(kind: DbKind, d: WindowData): Promise<BaselineCaseResult['baseline']> {
  const b = await openBenchDb(kind, { migrate: false });
  try {
    await createBaselineSchema(b.db);
    const t0 = process.hrtime.bigint();
    await loadRaw(b.db, d);
    const t1 = process.hrtime.bigint();
    const out = await aggregateBaseline(b.db, d.w);
    const t2 = process.hrtime.bigint();
    return {
      loadS: seconds(t1 - t0),
      aggS: seconds(t2 - t1),
      rawBytes: await tableBytes(b.db, RAW_TABLES),
      outputBytes: await tableBytes(b.db, OUTPUT_TABLES),
      rows: { metric_1m: out.metricRows, service_call_5m: out.callRows, log_count_5m: out.logRows },
    };
  } finally {
    await b.close();
  }
}

async function runOb(kind: DbKind, d: WindowData, template?: string): Promise<BaselineCaseResult['ob']> {
  const b = await openBenchDb(kind, template ? { pgliteTemplate: template } : {});
  try {
    const [tenant] = await seedTenants(b.db, ['bench']);
    const source = new ArraySource({ logs: d.logs, metrics: d.metrics, traces: d.spansPadded });
    const metrics = BENCH_JOBS['oo-metrics'].make();
    const calls = BENCH_JOBS['oo-calls'].make();
    const logs = BENCH_JOBS['oo-logs'].make();
    const t0 = process.hrtime.bigint();
    for (let from = d.w.from; from < d.w.to; from += MINUTE)
      await runWindow(b.db, metrics, tenant!, { from, to: from + MINUTE }, source);
    await runWindow(b.db, calls, tenant!, d.w, source);
    await runWindow(b.db, logs, tenant!, d.w, source);
    const s = seconds(process.hrtime.bigint() - t0);
    const rows: Record<string, number> = {};
    for (const t of OB_TABLES) {
      const r = await b.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
      rows[t] = r.rows[0]?.n ?? 0;
    }
    return { seconds: s, bytes: await tableBytes(b.db, OB_TABLES), rows };
  } finally {
    await b.close();
  }
}

async function runCase(a: BaselineCaseArgs): Promise<BaselineCaseResult> {
  const w = { from: T0, to: T0 + 5 * MINUTE };
  if (a.warmup) {
    // Both sides once on a small earlier window, in throwaway databases: JIT and driver warm-up.
    const warm = await generate(Math.min(a.scale, 0.2), { from: w.from - 5 * MINUTE, to: w.from });
    await runBaseline(a.db, warm);
    await runOb(a.db, warm, a.pgliteTemplate);
  }
  const g0 = process.hrtime.bigint();
  const d = await generate(a.scale, w);
  const generateS = seconds(process.hrtime.bigint() - g0);
  const baseline = await runBaseline(a.db, d);
  const ob = await runOb(a.db, d, a.pgliteTemplate);
  return {
    records: {
      logs: d.logs.length,
      metrics: d.metrics.length,
      spans: d.spans.length,
      spansReadByOb: d.spansPadded.length,
    },
    generateS,
    baseline,
    ob,
  };
}

childMain(runCase);
