import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Span } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import type { Source } from '../../../src/sources/source.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { diffCallRows, exactCalls } from '../../helpers/exact-calls.js';
import { runWindow, seedTenants, tableSnapshot } from '../../helpers/job-harness.js';

const M = 60_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');

function mock(seed = 42, scale = 0.2): MockSource {
  return new MockSource(mockConfigSchema.parse({ kind: 'mock', seed, scale }));
}

/** A source that yields some records, then fails: the window must leave the tables untouched. */
function failingHalfway(inner: Source, after: number): Source {
  return {
    kind: 'failing',
    location: (t, d) => inner.location(t, d),
    async *stream(t, d, w, s, sig) {
      let n = 0;
      for await (const r of inner.stream(t, d, w, s, sig)) {
        if (++n > after) throw new Error('source broke half-way');
        yield r;
      }
    },
  };
}

for (const driver of drivers()) {
  describe(`${driver}: oo-metrics and oo-calls jobs`, () => {
    it('T1: three metric windows, run twice: same rows, every value identical, runs success', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const job = ooMetricsJob();
        const src = mock();
        for (let i = 0; i < 3; i++)
          await runWindow(t.db, job, tenant!, { from: T0 + i * M, to: T0 + (i + 1) * M }, src);
        const first = await tableSnapshot(t.db, 'metric_1m');
        const firstRes = await tableSnapshot(t.db, 'dim_resource', ['created_at', 'last_seen']);
        const firstLoc = await tableSnapshot(t.db, 'oo_locator');
        const n = await t.db.query<{ n: number; buckets: number }>(
          'SELECT count(*)::int AS n, count(DISTINCT bucket)::int AS buckets FROM metric_1m',
        );
        assert.ok(n.rows[0]!.n > 50, `expected many metric rows, got ${n.rows[0]!.n}`);
        assert.equal(n.rows[0]!.buckets, 3);
        // a fresh job instance (empty id cache), like a new process
        const again = ooMetricsJob();
        for (let i = 0; i < 3; i++)
          await runWindow(t.db, again, tenant!, { from: T0 + i * M, to: T0 + (i + 1) * M }, src);
        assert.equal(await tableSnapshot(t.db, 'metric_1m'), first);
        assert.equal(await tableSnapshot(t.db, 'dim_resource', ['created_at', 'last_seen']), firstRes);
        assert.equal(await tableSnapshot(t.db, 'oo_locator'), firstLoc);
        const runs = await t.db.query<{ status: string; attempt: number }>(
          'SELECT status, attempt FROM etl_job_run ORDER BY window_from',
        );
        assert.deepEqual(
          runs.rows.map((r) => r.status),
          ['success', 'success', 'success'],
        );
      } finally {
        await t.close();
      }
    });

    it('metric_1m avg/max/count equal an exact computation from the same points', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const src = mock(7);
        const w = { from: T0, to: T0 + M };
        await runWindow(t.db, ooMetricsJob(), tenant!, w, src);
        const exact = new Map<string, number[]>();
        for await (const r of src.stream(tenant!, 'metrics', w, new RejectStats())) {
          if (r.kind !== 'metric') continue;
          const k = r.name;
          (exact.get(k) ?? exact.set(k, []).get(k)!).push(r.value);
        }
        const rows = await t.db.query<{ metric: string; n: number; s: number; mx: number }>(
          'SELECT metric, sum(count)::int AS n, sum(sum_val) AS s, max(max_val) AS mx FROM metric_1m GROUP BY metric',
        );
        assert.equal(rows.rows.length, exact.size);
        for (const r of rows.rows) {
          const vals = exact.get(r.metric)!;
          assert.equal(r.n, vals.length, r.metric);
          assert.ok(Math.abs(r.s - vals.reduce((a, b) => a + b, 0)) < 1e-6 * Math.max(1, Math.abs(r.s)), r.metric);
          assert.equal(r.mx, Math.max(...vals), r.metric);
        }
      } finally {
        await t.close();
      }
    });

    it('a 5m service_call_5m bucket from the mock equals an independent exact computation', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const src = mock(42, 0.3);
        const w = { from: T0, to: T0 + 5 * M };
        const { result } = await runWindow(t.db, ooCallsJob(), tenant!, w, src);
        assert.ok((result.rowsWritten?.service_call_5m ?? 0) > 5);
        const spans: Span[] = [];
        for await (const r of src.stream(tenant!, 'traces', { from: w.from - M, to: w.to + M }, new RejectStats())) {
          if (r.kind === 'span') spans.push(r);
        }
        const exact = exactCalls(spans, w, { padMs: M });
        const rows = await t.db.query<{
          bucket: Date;
          src: string;
          dst: string;
          calls: number;
          errors: number;
          rps: number;
          err_rate: number;
          p50_ms: number;
          p95_ms: number;
        }>(
          `SELECT c.bucket, s.urn AS src, d.urn AS dst, c.calls::int, c.errors::int, c.rps, c.err_rate, c.p50_ms, c.p95_ms
             FROM service_call_5m c JOIN dim_resource s ON s.resource_id = c.src_resource_id
             JOIN dim_resource d ON d.resource_id = c.dst_resource_id`,
        );
        const diffs = diffCallRows(
          rows.rows.map((r) => ({
            bucket: r.bucket.getTime(),
            srcUrn: r.src,
            dstUrn: r.dst,
            calls: r.calls,
            errors: r.errors,
            rps: r.rps,
            errRate: r.err_rate,
            p50: r.p50_ms,
            p95: r.p95_ms,
          })),
          exact.edges,
          0.02,
        );
        assert.deepEqual(diffs, []);
        // every edge has a locator pointing at its sample traces
        const refs = await t.db.query<{ n: number; with_ref: number; hints: number }>(
          `SELECT count(*)::int AS n, count(sample_ref)::int AS with_ref,
                  count(*) FILTER (WHERE l.query_hint LIKE 'SELECT * FROM %')::int AS hints
             FROM service_call_5m c LEFT JOIN oo_locator l ON l.id = c.sample_ref`,
        );
        assert.equal(refs.rows[0]!.with_ref, refs.rows[0]!.n);
        assert.equal(refs.rows[0]!.hints, refs.rows[0]!.n);
      } finally {
        await t.close();
      }
    });

    it('a window whose source fails half-way leaves every table exactly as before', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const src = mock(3, 0.3);
        const w = { from: T0, to: T0 + 5 * M };
        await runWindow(t.db, ooCallsJob(), tenant!, w, src);
        await runWindow(t.db, ooMetricsJob(), tenant!, { from: T0, to: T0 + M }, src);
        const tables = ['service_call_5m', 'metric_1m', 'oo_locator', 'dim_resource', 'etl_job_run'];
        const before = await Promise.all(tables.map((x) => tableSnapshot(t.db, x)));
        await assert.rejects(runWindow(t.db, ooCallsJob(), tenant!, w, failingHalfway(src, 500)), /half-way/);
        await assert.rejects(
          runWindow(t.db, ooMetricsJob(), tenant!, { from: T0, to: T0 + M }, failingHalfway(src, 20)),
          /half-way/,
        );
        const after = await Promise.all(tables.map((x) => tableSnapshot(t.db, x)));
        assert.deepEqual(after, before);
      } finally {
        await t.close();
      }
    });
  });
}
