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
import { openTestDb } from '../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { sleep } from '../helpers/reliability/procs.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, relConfig, runQueued, T0, type RelSetup } from '../helpers/reliability/setup.js';

const TOKEN = 'replay-token-0123456789';

describe('reliability: replay through /events/enqueue', { timeout: 120_000 }, () => {
  it('forced replays while the runner runs end with the reference tables', async () => {
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
          const res = await server.app.inject({
            method: 'POST',
            url: '/events/enqueue',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            payload: JSON.stringify({
              job,
              tenant: 'a',
              from: new Date(a).toISOString(),
              to: new Date(a + 10 * MIN).toISOString(),
              force: true,
            }),
          });
          assert.equal(res.statusCode, 202, res.body);
          const body = res.json() as { counts: { requeued: number } };
          requeued += body.counts.requeued;
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
});
