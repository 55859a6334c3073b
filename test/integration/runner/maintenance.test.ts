import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../../../src/config/schema.js';
import { ManualClock } from '../../../src/core/clock.js';
import { isEnabled } from '../../../src/db/capabilities.js';
import { maintenanceJob } from '../../../src/jobs/maintenance.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { drivers, openTestDb } from '../../helpers/db.js';

for (const driver of drivers()) {
  describe(`${driver}: maintenance job`, () => {
    it('deletes expired aggregate rows in batches and prunes the run table, keeping each last success', async () => {
      const t = await openTestDb(driver);
      try {
        const config = configSchema.parse({
          tenants: [{ code: 'a', source: { kind: 'mock' } }],
          retention: { metric_1m: '30d', etl_job_run: '30d' },
          jobs: { maintenance: { options: { batch_size: 2 } } },
        });
        const clock = new ManualClock(Date.parse('2024-07-03T12:00:00Z'));
        const rt = await Runtime.create({ config, db: t.db, jobs: [maintenanceJob()], clock, sourceFactory: null });
        const tid = rt.tenants[0]!.id;
        const res = await t.db.query<{ resource_id: number }>(
          `INSERT INTO dim_resource(tenant_id, urn, type, name) VALUES ($1, 'urn:host:h1', 'host', 'h1') RETURNING resource_id`,
          [tid],
        );
        const rid = res.rows[0]!.resource_id;
        for (const [bucket, metric] of [
          ['2024-01-01T00:00:00Z', 'm1'],
          ['2024-01-01T00:01:00Z', 'm1'],
          ['2024-01-02T00:00:00Z', 'm2'],
          ['2024-05-01T00:00:00Z', 'm2'],
          ['2024-06-01T23:59:00Z', 'm3'],
          ['2024-06-25T00:00:00Z', 'm1'],
          ['2024-07-01T00:00:00Z', 'm1'],
        ])
          await t.db.query(`INSERT INTO metric_1m(bucket, tenant_id, resource_id, metric) VALUES ($1, $2, $3, $4)`, [
            bucket!,
            tid,
            rid,
            metric!,
          ]);
        // Run history of another job: old successes, an old dead run, an old failed run (still pending).
        const seedRun = (from: string, status: string) =>
          t.db.query(
            `INSERT INTO etl_job_run(job, tenant_id, window_from, window_to, status) VALUES ('x', $1, $2::timestamptz, $2::timestamptz + interval '1 day', $3)`,
            [tid, from, status],
          );
        await seedRun('2024-01-01T00:00:00Z', 'success');
        await seedRun('2024-01-02T00:00:00Z', 'dead');
        await seedRun('2024-01-03T00:00:00Z', 'failed');
        await seedRun('2024-01-04T00:00:00Z', 'success'); // the last success of x: kept although old
        const w = { from: Date.parse('2024-07-02T00:00:00Z'), to: Date.parse('2024-07-03T00:00:00Z') };
        await enqueueWindows(t.db, {
          job: 'maintenance',
          tenantId: tid,
          windows: [w],
          maxAttempts: 3,
          now: clock.now(),
        });
        const s = await rt.runOnce({ tick: false });
        assert.equal(s.succeeded, 1);
        // With TimescaleDB its retention policies own the aggregate tables: the job leaves them alone.
        const timescale = await isEnabled(t.db, 'timescaledb');
        const left = await t.db.query<{ bucket: Date }>('SELECT bucket FROM metric_1m ORDER BY bucket');
        assert.deepEqual(
          left.rows.map((r) => r.bucket.toISOString()),
          [
            ...(timescale
              ? [
                  '2024-01-01T00:00:00.000Z',
                  '2024-01-01T00:01:00.000Z',
                  '2024-01-02T00:00:00.000Z',
                  '2024-05-01T00:00:00.000Z',
                  '2024-06-01T23:59:00.000Z',
                ]
              : []),
            '2024-06-25T00:00:00.000Z',
            '2024-07-01T00:00:00.000Z',
          ],
          timescale
            ? 'TimescaleDB present: no batched delete'
            : 'everything before 2024-06-03 (window end − 30d) is gone',
        );
        const runs = await t.db.query<{ window_from: Date; status: string }>(
          `SELECT window_from, status FROM etl_job_run WHERE job = 'x' ORDER BY window_from`,
        );
        assert.deepEqual(
          runs.rows.map((r) => [r.window_from.toISOString().slice(0, 10), r.status]),
          [
            ['2024-01-03', 'failed'],
            ['2024-01-04', 'success'],
          ],
        );
        const stats = await t.db.query<{ stats: { rowsDeleted: Record<string, number>; retention: string } }>(
          `SELECT stats FROM etl_job_run WHERE job = 'maintenance'`,
        );
        assert.deepEqual(
          stats.rows[0]!.stats.rowsDeleted,
          timescale ? { etl_job_run: 2 } : { metric_1m: 5, service_call_5m: 0, log_pattern_5m: 0, etl_job_run: 2 },
        );
        assert.equal(stats.rows[0]!.stats.retention, timescale ? 'timescaledb policies' : 'batched deletes');
      } finally {
        await t.close();
      }
    });
  });
}
