/**
 * Scenario 7 — replay. While the runner works through a range, windows of that range (done, running
 * or still queued) are replayed through POST /events/enqueue with force (fastify inject on
 * createApiServer over the same database). After the runner drains the re-queued windows, the summary
 * tables equal a clean reference run and each window is `success` once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.js';
import { ManualClock } from '../../src/core/clock.js';
import { builtInJobs } from '../../src/jobs/index.js';
import { JobRegistry } from '../../src/jobs/registry.js';
import { silentLogger } from '../../src/obs/logger.js';
import { createMetrics } from '../../src/obs/metrics.js';
import type { Window } from '../../src/core/window.js';
import { Runtime } from '../../src/runner/runtime.js';
import { drivers, openTestDb } from '../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { sleep, waitFor } from '../helpers/reliability/procs.js';
import { referenceRows, referenceRowsFor } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import {
  enqueueRange,
  MIN,
  mockFactory,
  relConfig,
  runQueued,
  T0,
  type RelSetup,
} from '../helpers/reliability/setup.js';

const TOKEN = 'replay-token-0123456789';

/** POST /events/enqueue with force for tenant `a`, as an operator would; returns the counts. */
async function replayWindows(
  server: ReturnType<typeof createApiServer>,
  job: string,
  from: number,
  to: number,
): Promise<{ inserted: number; requeued: number }> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/events/enqueue',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    payload: JSON.stringify({
      job,
      tenant: 'a',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      force: true,
    }),
  });
  assert.equal(res.statusCode, 202, res.body);
  return (res.json() as { counts: { inserted: number; requeued: number } }).counts;
}

describe('reliability: replay through /events/enqueue', () => {
  it('pglite: forced replays while the runner runs end with the reference tables', { timeout: 120_000 }, async () => {
    const setup: RelSetup = { tenants: ['a'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'] };
    const from = T0;
    const to = T0 + 20 * MIN;
    const reference = referenceRows(setup, from, to, 'pglite');
    const t = await openTestDb('pglite');
    try {
      const windows = await enqueueRange(t.db, setup, from, to);
      const config = relConfig(setup);
      const server = createApiServer({
        db: t.db,
        registry: JobRegistry.create(builtInJobs(), config),
        clock: new ManualClock(to + 60 * MIN),
        config,
        logger: silentLogger,
        metrics: createMetrics({ defaultMetrics: false }),
        token: TOKEN,
        attachMetrics: false,
      });
      const running = runQueued(t.db, setup);
      let replays = 0;
      let requeued = 0;
      const t0 = Date.now();
      // replay overlapping ranges of every job while the first run is under way
      for (let i = 0; i < 6; i++) {
        await sleep(300);
        for (const job of setup.jobs) {
          const a = from + ((i * 3) % 11) * MIN; // [a, a + 10m) stays inside [from, to)
          requeued += (await replayWindows(server, job, a, a + 10 * MIN)).requeued;
          replays++;
        }
      }
      const first = await running;
      assert.ok(first.failed === 0 && first.dead === 0, JSON.stringify(first));
      // windows re-queued after the first run passed them are drained by a second run
      const second = await runQueued(t.db, setup);
      assert.ok(second.ok, JSON.stringify(second));
      const ms = Date.now() - t0;
      await server.stop();

      const c = compareRows(await reference, await summaryRows(t.db));
      assert.equal(c.differences, 0, JSON.stringify(c.tables));
      const runs = await checkRuns(t.db, setup.jobs);
      assert.equal(runs.runs, windows);
      assert.deepEqual(runs.notSuccess, []);
      assert.equal(runs.duplicates, 0);
      assert.ok(requeued > 0, 'some replays re-queued finished windows');
      report('replay', { windows, replayRequests: replays, requeued, rowsCompared: c.rows, differences: 0, ms });
    } finally {
      await t.close();
    }
  });

  it(
    'server: a day of windows replayed with force while the live schedule runs gives the reference tables',
    { skip: drivers().includes('postgres') ? false : 'needs DATABASE_URL', timeout: 400_000 },
    async () => {
      // The live schedule starts a day back: its first tick enqueues the day, which it works through
      // oldest first (as a service started with a one-day initial lookback), then keeps up with now.
      const setup: RelSetup = { tenants: ['a'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'], lookback: '1d' };
      const config = relConfig(setup);
      const t = await openTestDb('postgres');
      try {
        const live = await Runtime.create({
          config,
          db: t.db,
          jobs: builtInJobs(),
          sourceFactory: mockFactory,
          workerId: 'live',
          scheduler: { lease: 10_000, workers: 4, tick: 200 },
          pollInterval: 50,
        });
        const server = createApiServer({
          db: t.db,
          registry: JobRegistry.create(builtInJobs(), config),
          clock: { now: () => Date.now() },
          config,
          logger: silentLogger,
          metrics: createMetrics({ defaultMetrics: false }),
          token: TOKEN,
          attachMetrics: false,
        });
        const t0 = Date.now();
        await live.start();
        const count = async (where: string) =>
          (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM etl_job_run WHERE ${where}`)).rows[0]!.n;
        await waitFor('the live schedule to enqueue the day', async () => (await count('true')) >= 2_000, 60_000, 100);
        const day = await t.db.query<{ from: Date; to: Date }>(
          `SELECT min(window_from) AS from, max(window_to) AS to FROM etl_job_run WHERE job = 'oo-calls'`,
        );
        const dayFrom = day.rows[0]!.from.getTime();
        const dayTo = day.rows[0]!.to.getTime();
        let requests = 0;
        let created = 0;
        let requeued = 0;
        const replay = async (from: number, to: number) => {
          for (const job of setup.jobs) {
            const counts = await replayWindows(server, job, from, to);
            created += counts.inserted;
            requeued += counts.requeued;
            requests++;
          }
        };
        // Once a third of the day is done, an operator replays the whole day in 3-hour slices, newest
        // first, while the first pass is still under way; then again in overlapping 5-hour slices.
        await waitFor('a third of the day', async () => (await count(`status = 'success'`)) >= 700, 120_000, 100);
        const H = 60 * MIN;
        for (let h = dayTo - 3 * H; h + 3 * H > dayFrom; h -= 3 * H) {
          await replay(Math.max(dayFrom, h), h + 3 * H);
          await sleep(200);
        }
        for (let h = dayFrom; h < dayTo; h += 4 * H) {
          await replay(h, Math.min(dayTo, h + 5 * H));
          await sleep(300);
        }
        await waitFor(
          'the replayed day and the live windows to finish',
          async () => (await count(`status <> 'success'`)) === 0,
          300_000,
          200,
        );
        await live.stop(10_000);
        await server.stop();
        const ms = Date.now() - t0;

        const runs = await t.db.query<{ job: string; window_from: Date; window_to: Date }>(
          'SELECT job, window_from, window_to FROM etl_job_run ORDER BY job, window_from',
        );
        const windows: Record<string, Window[]> = {};
        for (const r of runs.rows)
          (windows[r.job] ??= []).push({ from: r.window_from.getTime(), to: r.window_to.getTime() });
        const perJob = Object.entries(windows)
          .map(([j, ws]) => `${j}=${ws.length}`)
          .join(' ');
        assert.ok(windows['oo-metrics']!.length >= 24 * 60 - 10, `about a day of 1-minute windows (${perJob})`);
        const check = await checkRuns(t.db, setup.jobs);
        assert.deepEqual(check.notSuccess, []);
        assert.equal(check.duplicates, 0);
        const c = compareRows(await referenceRowsFor(setup, windows, 'postgres'), await summaryRows(t.db));
        report('replay-day', {
          windows: runs.rows.length,
          perJob,
          replayRequests: requests,
          created,
          requeued,
          rowsCompared: c.rows,
          differences: c.differences,
          ms,
        });
        assert.equal(c.differences, 0, JSON.stringify(c.tables));
        assert.ok(requeued > 500, 'the replay re-queued finished windows');
      } finally {
        await t.close();
      }
    },
  );
});
