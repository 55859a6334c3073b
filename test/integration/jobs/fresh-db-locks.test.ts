/**
 * The first windows of a fresh database, many at once (issue #20): oo-metrics, oo-calls and oo-logs
 * of two tenants insert the same new resources and, with TimescaleDB, create the first chunk of
 * each hypertable. Without a lock order they deadlocked (chunk creation upgrades dim_resource's
 * lock while every other window holds it); a retry recovered them. Here no window may need one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEnabled } from '../../../src/db/capabilities.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { enqueueRange, MIN, T0, runQueued, type RelSetup } from '../../helpers/reliability/setup.js';

for (const driver of drivers()) {
  describe(`${driver}: the first windows of a fresh database`, () => {
    it('run concurrently with no failed attempt (no deadlock, nothing retried)', { timeout: 120_000 }, async (ctx) => {
      const setup: RelSetup = {
        tenants: ['fresh_a', 'fresh_b'],
        jobs: ['oo-metrics', 'oo-calls', 'oo-logs'],
        scale: 0.05,
        attempts: 5,
      };
      const t = await openTestDb(driver);
      try {
        const timescale = await isEnabled(t.db, 'timescaledb');
        ctx.diagnostic(
          `${driver}: TimescaleDB ${timescale ? 'present: the first windows create the chunks' : 'absent: plain tables'}`,
        );
        // 10 minutes: per tenant 10 metric windows and 2 each of calls and logs, in one chunk interval.
        const windows = await enqueueRange(t.db, setup, T0, T0 + 10 * MIN);
        assert.equal(windows, 28);
        const summary = await runQueued(t.db, setup, { workers: 6 });
        assert.deepEqual(summary, { succeeded: windows, failed: 0, dead: 0, unfinished: 0, ok: true });
        const runs = await t.db.query<{ job: string; attempt: number; last_error: string | null }>(
          'SELECT job, attempt, last_error FROM etl_job_run ORDER BY job, tenant_id, window_from',
        );
        assert.equal(runs.rows.length, windows);
        const retried = runs.rows.filter((r) => r.attempt !== 1 || r.last_error !== null);
        assert.deepEqual(retried, [], 'every window succeeded on its first attempt');
        // Every table got rows: with TimescaleDB, the windows created each hypertable's first chunk.
        for (const table of ['metric_1m', 'service_call_5m', 'log_pattern_5m']) {
          const n = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
          assert.ok(n.rows[0]!.n > 0, `${table} has rows`);
        }
      } finally {
        await t.close();
      }
    });
  });
}
