/**
 * Scenario 1 — process crashes. Worker processes running the real jobs (oo-metrics, oo-calls,
 * oo-logs on the mock source) are killed with SIGKILL at random points and restarted; the final
 * summary tables must equal a clean run's and every window must be `success` once.
 *
 * Server: 1 tenant × 60 minutes (60 oo-metrics + 12 oo-calls + 12 oo-logs windows = 84),
 * ≥ 20 kills, lease 2 s. PGlite: one process owns the data directory; it is killed and the same
 * directory reopened by the next process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.js';
import { PgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { drivers, openTestDb } from '../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { exitWithin, onceOnServer, prng, sleep, spawnWorker, waitFor } from '../helpers/reliability/procs.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, T0, type RelSetup } from '../helpers/reliability/setup.js';
import type { RelWorkerSpec } from '../helpers/reliability/worker.js';

const LEASE = 2_000;

async function running(db: Db, label: string): Promise<string[]> {
  const r = await db.query<{ k: string }>(
    `SELECT job || '|' || tenant_id || '|' || window_from::text AS k FROM etl_job_run
     WHERE status = 'running' AND locked_by = $1`,
    [label],
  );
  return r.rows.map((x) => x.k);
}

describe('reliability: process crashes (SIGKILL)', () => {
  it(
    'server: ≥ 20 kills across a 60-window backfill (+ 12 calls, 12 logs windows); tables equal the reference, each window once',
    { skip: drivers().includes('postgres') ? false : 'needs DATABASE_URL', timeout: 240_000 },
    async () => {
      // Scale 0.2 (1,000 log lines, 100 points, 200 spans a minute): windows long enough that 20
      // kills land before a quiet machine finishes the backfill, most of them mid-window.
      const setup: RelSetup = { tenants: ['a'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'], scale: 0.2 };
      const from = T0;
      const to = T0 + 60 * MIN;
      const reference = referenceRows(setup, from, to, 'postgres');
      const t = await openTestDb('postgres');
      try {
        const windows = await enqueueRange(t.db, setup, from, to);
        const rnd = prng(20240301);
        const spec = onceOnServer(t.schema!, setup, LEASE);
        const kills: { at: number; inFlight: string[] }[] = [];
        let finished = false;
        for (let k = 0; k < 40 && kills.length < 22 && !finished; k++) {
          const label = `K${k}`;
          const p = spawnWorker(spec(label));
          // Kill at a random point after the process started claiming windows (so the kill lands
          // mid-window most of the time), sometimes during its start-up instead.
          const early = rnd() < 0.15;
          if (!early) {
            await waitFor(
              `${label} to claim`,
              async () => p.child.exitCode !== null || (await running(t.db, label)).length > 0,
              30_000,
              20,
            );
          }
          await sleep(Math.floor(rnd() * (early ? 900 : 250)));
          if (p.child.exitCode !== null) {
            finished = true;
            break;
          }
          const inFlight = await running(t.db, label);
          p.child.kill('SIGKILL');
          const e = await p.exit;
          if (e.signal !== 'SIGKILL') {
            assert.equal(e.code, 0, e.stderr);
            finished = true;
            break;
          }
          kills.push({ at: Date.now(), inFlight });
        }
        assert.ok(kills.length >= 20, `only ${kills.length} kills landed before the work was done`);
        const finalStart = Date.now();
        const last = spawnWorker(spec('final'));
        const done = await exitWithin(last, 150_000);
        assert.ok(done, 'final worker finished in time');
        assert.equal(done.code, 0, done.stderr);

        // Recovery: from a kill to the success of the windows it interrupted.
        const fin = await t.db.query<{ k: string; finished_at: Date }>(
          `SELECT job || '|' || tenant_id || '|' || window_from::text AS k, finished_at FROM etl_job_run`,
        );
        const finishedAt = new Map(fin.rows.map((r) => [r.k, r.finished_at.getTime()]));
        let slowest = 0;
        for (const kill of kills)
          for (const k of kill.inFlight) slowest = Math.max(slowest, (finishedAt.get(k) ?? Infinity) - kill.at);

        const runs = await checkRuns(t.db, setup.jobs);
        assert.equal(runs.runs, windows);
        assert.deepEqual(runs.notSuccess, []);
        assert.equal(runs.duplicates, 0);
        const cmp = compareRows(await reference, await summaryRows(t.db));
        report('crash-server', {
          kills: kills.length,
          killed_mid_window: kills.filter((k) => k.inFlight.length > 0).length,
          windows,
          rows_compared: cmp.rows,
          differences: cmp.differences,
          slowest_kill_to_success_ms: slowest,
          final_process_ms: Date.now() - finalStart,
        });
        assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables, null, 1));
      } finally {
        await t.close();
      }
    },
  );

  it(
    'pglite: killed processes on one data directory; the next process reopens it and finishes',
    { timeout: 240_000 },
    async () => {
      const setup: RelSetup = { tenants: ['a'], jobs: ['oo-metrics', 'oo-logs'], scale: 0.2 };
      const from = T0;
      const to = T0 + 20 * MIN;
      const reference = referenceRows(setup, from, to, 'pglite');
      const dir = mkdtempSync(join(tmpdir(), 'ob-rel-pglite-'));
      try {
        let db = await PgliteDb.open(dir);
        await migrate(db);
        const windows = await enqueueRange(db, setup, from, to);
        await db.close();
        const rnd = prng(77);
        const spec = (label: string): RelWorkerSpec => ({
          db: dir,
          label,
          mode: 'once',
          setup,
          lease: LEASE,
          workers: 1,
        });
        let kills = 0;
        for (let k = 0; k < 6 && kills < 3; k++) {
          const p = spawnWorker(spec(`P${k}`));
          // A process opens the directory in ~1 s; kills 0.8–2 s in land during start-up or mid-run.
          const e = await exitWithin(p, 800 + Math.floor(rnd() * 1_200));
          if (e) {
            assert.equal(e.code, 0, e.stderr);
            break;
          }
          p.child.kill('SIGKILL');
          await p.exit;
          kills++;
        }
        const t0 = Date.now();
        const last = spawnWorker(spec('final'));
        const done = await exitWithin(last, 90_000);
        assert.ok(done, 'final worker finished in time');
        assert.equal(done.code, 0, done.stderr);
        const recovery = Date.now() - t0;
        db = await PgliteDb.open(dir);
        try {
          const runs = await checkRuns(db, setup.jobs);
          assert.equal(runs.runs, windows);
          assert.deepEqual(runs.notSuccess, []);
          const cmp = compareRows(await reference, await summaryRows(db));
          report('crash-pglite', {
            kills,
            windows,
            rows_compared: cmp.rows,
            differences: cmp.differences,
            final_process_ms: recovery,
          });
          assert.ok(kills >= 2, `only ${kills} kills landed`);
          assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables, null, 1));
        } finally {
          await db.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
