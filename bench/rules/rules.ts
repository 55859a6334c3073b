/**
 * Rules benchmark (issue 14): one rules window over 10,000 metric series and 2,000 edges, with the
 * demo's kinds of rules (thresholds, p95 from merged sketches, baselines over 5 and 12 history
 * points), 1% of the series and edges firing. Cases:
 * - eval: the pure evaluation (rows already in memory), one core;
 * - window: the whole rules job window (read, evaluate, write state/events/links, one transaction),
 *   first run (events open) and a re-run of the same window, per database.
 *
 *   npm run bench -- rules [--db pglite,postgres]   (prints a table, appends bench/results/rules.jsonl)
 *
 * Target: under 1 s per window on one core.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { QuantileSketch } from '../../src/agg/sketch.js';
import type { Db } from '../../src/db/types.js';
import { rulesJob } from '../../src/jobs/rules.js';
import { RuleBook } from '../../src/rules/book.js';
import { parseRules } from '../../src/rules/config.js';
import { evaluateRules, rowRanges } from '../../src/rules/evaluate.js';
import { historyRules } from '../../src/rules/store/baseline.js';
import { loadRows } from '../../src/rules/store/read.js';
import { seededRandom } from '../../src/sources/mock/prng.js';
import { runWindow } from '../../test/helpers/job-harness.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import type { Measurement } from '../lib/record.js';

const M = 60_000;
/** The window's end: a 5-minute boundary, so every rule is evaluated (the worst case). */
const T = Date.parse('2026-06-10T12:00:00Z');
const SERIES = 10_000;
const EDGES = 2_000;
const HOSTS = 500;
const SERVICES = 200;

const RULES = [
  {
    id: 'cpu-hot',
    table: 'metric_1m',
    where: [{ field: 'metric', op: 'eq', value: 'cpu' }],
    group_by: ['resource', 'labels.core'],
    kind: 'threshold',
    value: { agg: 'max', field: 'max' },
    when: { op: '>=', value: 0.95 },
  },
  {
    id: 'cpu-baseline',
    table: 'metric_1m',
    where: [{ field: 'metric', op: 'eq', value: 'cpu' }],
    group_by: ['resource', 'labels.core'],
    kind: 'baseline',
    value: { agg: 'max', field: 'max' },
    baseline: { windows: 5, min_history: 3 },
    when: { op: '>=', factor: 3, min_delta: 0.2 },
  },
  {
    id: 'edge-errors',
    table: 'service_call_5m',
    group_by: ['src', 'dst'],
    kind: 'threshold',
    value: { agg: 'ratio', num: 'errors', den: 'calls' },
    when: { op: '>=', value: 0.2 },
    guard: [{ agg: 'sum', field: 'calls', op: '>=', value: 20 }],
  },
  {
    id: 'edge-p95',
    table: 'service_call_5m',
    group_by: ['src', 'dst'],
    kind: 'threshold',
    value: { agg: 'p95' },
    when: { op: '>=', value: 200 },
  },
  {
    id: 'edge-p95-baseline',
    table: 'service_call_5m',
    group_by: ['src', 'dst'],
    kind: 'baseline',
    value: { agg: 'p95' },
    baseline: { windows: 12, min_history: 6 },
    when: { op: '>=', factor: 4, min_delta: 20 },
  },
];

async function seed(db: Db): Promise<{ tenantId: number; code: string }> {
  const code = `rules_${randomBytes(3).toString('hex')}`;
  const tenantId = Number(
    (
      await db.query<{ tenant_id: unknown }>('INSERT INTO dim_tenant(code, name) VALUES ($1, $1) RETURNING tenant_id', [
        code,
      ])
    ).rows[0]!.tenant_id,
  );
  const res: unknown[][] = [];
  for (let i = 0; i < HOSTS; i++) res.push([tenantId, `urn:host:h${i}`, 'host', `h${i}`, '{}']);
  for (let i = 0; i < SERVICES; i++) res.push([tenantId, `urn:k8s:svc:bench/s${i}`, 'k8s_service', `s${i}`, '{}']);
  await db.copyRows('dim_resource', ['tenant_id', 'urn', 'type', 'name', 'labels'], res);
  const ids = (
    await db.query<{ resource_id: unknown; urn: string }>(
      'SELECT resource_id, urn FROM dim_resource WHERE tenant_id = $1 ORDER BY resource_id',
      [tenantId],
    )
  ).rows.map((r) => Number(r.resource_id));
  const hosts = ids.slice(0, HOSTS);
  const svcs = ids.slice(HOSTS);
  const rnd = seededRandom(14);
  // Metric series: 20 cores per host; 6 one-minute buckets (the current one and the baseline's 5).
  const metrics: unknown[][] = [];
  for (let b = 0; b < 6; b++) {
    const bucket = new Date(T - (b + 1) * M);
    for (let s = 0; s < SERIES; s++) {
      const hot = b === 0 && s % 100 === 0;
      const v = hot ? 0.97 : 0.1 + rnd() * 0.2;
      const sk = new QuantileSketch();
      sk.add(v);
      metrics.push([
        bucket,
        tenantId,
        hosts[s % HOSTS],
        'cpu',
        v,
        v,
        v,
        JSON.stringify({ core: String(Math.floor(s / HOSTS)) }),
        v,
        1,
        v,
        sk.toBytes(),
      ]);
    }
  }
  await db.copyRows(
    'metric_1m',
    [
      'bucket',
      'tenant_id',
      'resource_id',
      'metric',
      'avg_val',
      'max_val',
      'p95_val',
      'labels',
      'min_val',
      'count',
      'sum_val',
      'sketch',
    ],
    metrics,
  );
  // Edges: 2,000 distinct (src, dst) pairs among the services and hosts, 13 five-minute buckets.
  const calls: unknown[][] = [];
  for (let b = 0; b < 13; b++) {
    const bucket = new Date(T - (b + 1) * 5 * M);
    for (let e = 0; e < EDGES; e++) {
      const bad = b === 0 && e % 100 === 0;
      const sk = new QuantileSketch();
      const n = 40;
      for (let i = 0; i < n; i++) sk.add((bad ? 300 : 5) * (0.5 + rnd()));
      const errors = bad ? 15 : 0;
      calls.push([
        bucket,
        tenantId,
        svcs[e % SERVICES],
        hosts[(Math.floor(e / SERVICES) * 7) % HOSTS]! + 0,
        n / 300,
        errors / n,
        sk.quantile(0.5),
        sk.quantile(0.95),
        n,
        errors,
        sk.toBytes(),
      ]);
    }
  }
  // Distinct pairs: src e % 200, dst from e / 200 (10 per service), checked by the primary key on insert.
  await db.copyRows(
    'service_call_5m',
    [
      'bucket',
      'tenant_id',
      'src_resource_id',
      'dst_resource_id',
      'rps',
      'err_rate',
      'p50_ms',
      'p95_ms',
      'calls',
      'errors',
      'latency_sketch',
    ],
    calls,
  );
  // Fresh statistics, as autovacuum keeps them on a running server (after a bulk COPY the planner
  // would otherwise guess one row per table).
  await db.query('ANALYZE dim_resource, metric_1m, service_call_5m');
  return { tenantId, code };
}

const nullSource = { async *stream() {}, location: () => ({ bucket: 'b', objectKey: 'k' }) } as never;

export async function runRulesBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const i = argv.indexOf('--db');
  const only = i >= 0 ? (argv[i + 1] ?? '').split(',') : undefined;
  const set = parseRules(RULES);
  if (set.problems.length > 0) throw new Error(set.problems.join('\n'));
  const out: Measurement[] = [];
  const note = `${SERIES} metric series, ${EDGES} edges, ${RULES.length} rules, 1% firing`;
  let evalDone = false;
  for (const kind of benchDbKinds(only)) {
    const b = await openBenchDb(kind);
    try {
      const { tenantId, code } = await seed(b.db);
      const w = { from: T - M, to: T };
      const r0 = performance.now();
      // What the job reads: baselines with a SQL counterpart are computed in the database.
      const inDb = historyRules(set.rules, w);
      const { source, read } = await loadRows(b.db, tenantId, set.rules, rowRanges(set.rules, w, inDb), w.to, inDb);
      out.push({
        case: 'read',
        db: kind,
        metric: 'seconds',
        value: Number(((performance.now() - r0) / 1000).toFixed(3)),
        unit: 's',
        note: `rows read: ${JSON.stringify(read)}`,
      });
      if (!evalDone) {
        const times: number[] = [];
        for (let r = 0; r < 5; r++) {
          const t0 = performance.now();
          evaluateRules(set.rules, w, source);
          times.push(performance.now() - t0);
        }
        times.sort((x, y) => x - y);
        out.push({ case: 'eval', db: null, metric: 'median', value: Number(times[2]!.toFixed(1)), unit: 'ms', note });
        evalDone = true;
      }
      const job = rulesJob(new RuleBook({ set }));
      const tenant = { id: tenantId, code, name: code };
      for (const label of ['window-first', 'window-rerun']) {
        const t0 = performance.now();
        const { result } = await runWindow(b.db, job, tenant, w, nullSource);
        const ms = performance.now() - t0;
        const ev = result.events as { opened: number; updated: number };
        const phases = (result.rules as { phase_ms?: unknown } | undefined)?.phase_ms;
        out.push({
          case: label,
          db: kind,
          metric: 'seconds',
          value: Number((ms / 1000).toFixed(3)),
          unit: 's',
          note: `${note}; ${ev.opened} opened, ${ev.updated} updated; read ${JSON.stringify(result.recordsRead)}; ms ${JSON.stringify(phases)}`,
        });
      }
    } finally {
      await b.close();
    }
  }
  return out;
}
