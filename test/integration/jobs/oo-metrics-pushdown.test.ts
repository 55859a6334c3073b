/**
 * oo-metrics with aggregation push-down (`options.pushdown: true`) against the OpenObserve stand-in,
 * over a day of 1-minute windows (PGlite; 2 hours on the server, to spare the shared machine): the same metric_1m rows as the streaming mode (exact count, sum,
 * min, max, avg; p95 = OO's approx_percentile_cont, which the stand-in computes exactly, within the
 * streaming sketch's accuracy of it), no sketch; and what each mode reads from OO per window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.js';
import type { MetricPoint } from '../../../src/core/records.js';
import type { Db } from '../../../src/db/types.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { openobserveConfigSchema } from '../../../src/sources/openobserve/config.js';
import { OpenObserveSource } from '../../../src/sources/openobserve/oo-source.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { runWindow, seedTenants } from '../../helpers/job-harness.js';
import {
  metricToOoRow,
  type OoRow,
  type OoStandin,
  STANDIN_AUTH,
  startOoStandin,
} from '../../helpers/oo-standin/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 5, 10);
const DAY = 24 * 60 * MIN;
const METRICS = ['http_server_duration', 'queue_depth'];
const SERVICES = ['checkout', 'payments', 'catalog'];

/** A day of points: 3 services × 2 metrics × 2 routes, 5 samples per series and minute (one series lacks `route`). */
function dayOfPoints(): Record<string, OoRow[]> {
  const rnd = seededRandom(42);
  const rows: Record<string, OoRow[]> = {};
  for (const m of METRICS) rows[`metrics/${m}`] = [];
  for (let t = T0; t < T0 + DAY; t += MIN) {
    for (const svc of SERVICES)
      for (const m of METRICS)
        for (const route of ['/a', '/b', undefined]) {
          if (route === undefined && svc !== 'catalog') continue;
          for (let k = 0; k < 5; k++) {
            const p: MetricPoint = {
              kind: 'metric',
              ts: t + k * 11_000 + Math.floor(rnd() * 1000),
              name: m,
              value: Math.round(rnd() * 100_000) / 100,
              labels: route === undefined ? { method: 'GET' } : { method: 'GET', route },
              resource: { attrs: { 'service.name': svc, 'k8s.namespace.name': 'shop' } },
            };
            rows[`metrics/${m}`]!.push(metricToOoRow(p));
          }
        }
  }
  return rows;
}

interface MetricLine {
  key: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  p95: number;
  sketch: boolean;
}

async function metricRows(db: Db): Promise<Map<string, MetricLine>> {
  const r = await db.query<{
    bucket: Date;
    urn: string;
    metric: string;
    labels: unknown;
    count: number;
    sum_val: number;
    min_val: number;
    max_val: number;
    avg_val: number;
    p95_val: number;
    has_sketch: boolean;
  }>(
    `SELECT m.bucket, r.urn, m.metric, m.labels, m.count::int AS count, m.sum_val, m.min_val, m.max_val, m.avg_val,
            m.p95_val, m.sketch IS NOT NULL AS has_sketch
       FROM metric_1m m JOIN dim_resource r USING (resource_id)`,
  );
  const out = new Map<string, MetricLine>();
  for (const x of r.rows) {
    const key = JSON.stringify([x.bucket.toISOString(), x.urn, x.metric, x.labels]);
    out.set(key, {
      key,
      count: x.count,
      sum: x.sum_val,
      min: x.min_val,
      max: x.max_val,
      avg: x.avg_val,
      p95: x.p95_val,
      sketch: x.has_sketch,
    });
  }
  return out;
}

const close = (a: number, b: number, rel: number): boolean =>
  Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

describe('oo-metrics push-down', () => {
  let oo: OoStandin;
  before(async () => {
    oo = await startOoStandin({ rows: dayOfPoints() });
  });
  after(async () => {
    await oo.close();
  });

  const source = (): OpenObserveSource =>
    new OpenObserveSource(
      openobserveConfigSchema.parse({
        kind: 'openobserve',
        url: oo.url,
        org: oo.org,
        user: STANDIN_AUTH.user,
        password_env: 'OO_TEST_PASSWORD',
        streams: { metrics: METRICS },
      }),
      { clock: new ManualClock(T0 + DAY + 10 * MIN), env: { OO_TEST_PASSWORD: STANDIN_AUTH.password } },
    );

  for (const driver of drivers()) {
    const span = driver === 'pglite' ? DAY : 2 * 60 * MIN;
    it(
      `${driver}: ${span === DAY ? 'a day' : '2 hours'} of windows, streaming and push-down give the same rows; reads and bytes per window`,
      { timeout: 900_000 },
      async () => {
        const perMode: Record<
          string,
          { rows: Map<string, MetricLine>; records: number; bytes: number; requests: number }
        > = {};
        for (const mode of ['streaming', 'pushdown'] as const) {
          const t = await openTestDb(driver);
          try {
            const [tenant] = await seedTenants(t.db, ['acme']);
            const src = source();
            const job = ooMetricsJob();
            const first = oo.requests.length;
            let records = 0;
            for (let w = T0; w < T0 + span; w += MIN) {
              const { result } = await runWindow(t.db, job, tenant!, { from: w, to: w + MIN }, src, {
                pushdown: mode === 'pushdown',
              });
              records += result.recordsRead?.['metrics'] ?? 0;
            }
            const reqs = oo.requests.slice(first).filter((r) => r.path.endsWith('_search'));
            perMode[mode] = {
              rows: await metricRows(t.db),
              records,
              bytes: reqs.reduce((s, r) => s + (r.bytes ?? 0), 0),
              requests: reqs.length,
            };
          } finally {
            await t.close();
          }
        }
        const s = perMode['streaming']!;
        const p = perMode['pushdown']!;
        const windows = span / MIN;
        // 3 services × 2 metrics × 2 routes + catalog's series without a route, per minute.
        assert.equal(s.rows.size, windows * (3 * 2 * 2 + 2));
        assert.deepEqual([...p.rows.keys()].sort(), [...s.rows.keys()].sort(), 'the same series and buckets');
        for (const [k, a] of s.rows) {
          const b = p.rows.get(k)!;
          assert.equal(b.count, a.count, k);
          assert.ok(close(b.sum, a.sum, 1e-12), `${k} sum ${b.sum} vs ${a.sum}`);
          assert.equal(b.min, a.min, k);
          assert.equal(b.max, a.max, k);
          assert.ok(close(b.avg, a.avg, 1e-12), k);
          // Streaming: DDSketch, within 1% of the sample at ⌊0.95(n−1)⌋; push-down: percentile_cont
          // between that sample and the next. With 5 samples they are the 4th and 5th smallest.
          assert.ok(b.p95 >= a.p95 / 1.011 && b.p95 <= a.max, `${k} p95 ${b.p95} vs ${a.p95}`);
          assert.equal(a.sketch, true);
          assert.equal(b.sketch, false);
        }
        assert.equal(s.records, windows * 70, 'streaming reads every point');
        assert.equal(p.records, windows * 14, 'push-down reads one row per series and minute');
        assert.ok(p.bytes < s.bytes / 2, `push-down transfers less (${p.bytes} vs ${s.bytes} bytes)`);
        process.stderr.write(
          `# pushdown ${driver}: ${JSON.stringify({
            windows,
            perWindow: {
              streaming: {
                records: s.records / windows,
                bytes: Math.round(s.bytes / windows),
                requests: s.requests / windows,
              },
              pushdown: {
                records: p.records / windows,
                bytes: Math.round(p.bytes / windows),
                requests: p.requests / windows,
              },
            },
          })}\n`,
        );
      },
    );
  }
});
