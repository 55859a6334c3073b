/**
 * Scenario 2, second half — server restarts. Two workers run the real jobs on a private, throwaway
 * PostgreSQL cluster (test/helpers/reliability/private-pg.ts; the shared test server is never
 * restarted): `W`, a worker process draining the queue like `observebridge run --once`, and `S`, a
 * Runtime serving in this process like `observebridge run` (scheduler ticking, claim loop,
 * heartbeats). While both have windows in flight the server is stopped and started again several
 * times, `immediate` (a crash: crash recovery on start) and `fast`, down 1–3 s each time. Both must
 * ride the restarts out: W finishes with exit 0, S never turns fatal, every window is `success`
 * once, and the summary tables equal a clean reference run.
 *
 * S enqueues nothing itself (maxEnqueuePerTick 0): the test enqueued the windows, and S's scheduler
 * on the real clock would otherwise catch up from 2024 to now. It still reclaims expired leases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-driver.js';
import { builtInJobs } from '../../src/jobs/index.js';
import { Runtime } from '../../src/runner/runtime.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { startPrivatePg, type RestartTiming, type StopMode } from '../helpers/reliability/private-pg.js';
import { exitWithin, prng, sleep, spawnWorker, waitFor, type Spawned } from '../helpers/reliability/procs.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, mockFactory, relConfig, T0, type RelSetup } from '../helpers/reliability/setup.js';

/** The whole cluster is the test's: one fixed schema is enough. */
const SCHEMA = 'obrestart';
const LEASE = 3_000;
/** Two of each kind, alternating, spread over the run (see the loop). */
const PLAN: StopMode[] = ['immediate', 'fast', 'immediate', 'fast'];

interface Progress {
  success: number;
  running: Record<string, number>;
}

/** Queue progress, or undefined while the server cannot answer. */
async function progress(db: PgDb): Promise<Progress | undefined> {
  try {
    const r = await db.query<{ status: string; locked_by: string | null; n: number }>(
      `SELECT status, locked_by, count(*)::int AS n FROM etl_job_run GROUP BY status, locked_by`,
    );
    const out: Progress = { success: 0, running: {} };
    for (const x of r.rows) {
      if (x.status === 'success') out.success += x.n;
      if (x.status === 'running' && x.locked_by) out.running[x.locked_by] = (out.running[x.locked_by] ?? 0) + x.n;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The first success recorded after the server went down (it can only have happened once it was back). */
async function firstSuccessAfter(db: PgDb, t: number): Promise<number | undefined> {
  try {
    const r = await db.query<{ at: Date | null }>(
      `SELECT min(finished_at) AS at FROM etl_job_run WHERE status = 'success' AND finished_at > $1`,
      [new Date(t).toISOString()],
    );
    return r.rows[0]?.at?.getTime();
  } catch {
    return undefined;
  }
}

describe('reliability: server restarts', () => {
  it(
    'private server restarted 4 times (immediate and fast, down 1–3 s) under a worker process and a serving runtime; both finish with the reference tables',
    {
      skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (the reference run uses the test server)',
      timeout: 120_000,
    },
    async (tc) => {
      const testStart = Date.now();
      const started = await startPrivatePg();
      if (!started.ok) {
        tc.skip(started.reason);
        return;
      }
      const server = started.pg;
      const setup: RelSetup = { tenants: ['a', 'b'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'] };
      const from = T0;
      const to = T0 + 90 * MIN;
      const reference = referenceRows(setup, from, to, 'postgres');
      // Awaited below; a failure before that must not surface as an unhandled rejection.
      reference.catch(() => undefined);
      const dbs: PgDb[] = [];
      let worker: Spawned | undefined;
      let serve: Runtime | undefined;
      try {
        const db = await PgDb.open(server.url, { schema: SCHEMA, max: 2 });
        dbs.push(db);
        await migrate(db);
        const windows = await enqueueRange(db, setup, from, to);

        worker = spawnWorker({
          db: server.url,
          schema: SCHEMA,
          label: 'W',
          mode: 'once',
          setup,
          lease: LEASE,
          workers: 2,
        });
        const serveDb = await PgDb.open(server.url, { schema: SCHEMA, max: 4 });
        dbs.push(serveDb);
        serve = await Runtime.create({
          config: relConfig(setup),
          db: serveDb,
          jobs: builtInJobs(),
          sourceFactory: mockFactory,
          workerId: 'S',
          scheduler: { lease: LEASE, workers: 2, tick: 300, maxEnqueuePerTick: 0 },
          pollInterval: 100,
        });
        const fatal: string[] = [];
        serve.events.on('runner:fatal', ({ error }) => fatal.push(error.message));
        await serve.start();
        const w = worker;
        let workerStderr = '';
        w.child.stderr!.on('data', (d: Buffer) => (workerStderr = (workerStderr + d.toString()).slice(-4_000)));
        const s = serve;
        // What the workers were doing, for a failure message.
        const state = () =>
          JSON.stringify({
            worker_exit: w.child.exitCode ?? w.child.signalCode,
            serve_fatal: fatal,
            serve_outcomes: s.runner.outcomes,
          });
        // Restarts begin once both workers run windows; a failure of W's start-up would simply end
        // it (exit 2, restarted by its supervisor), which scenario 1 already covers.
        await waitFor(
          'both workers to claim',
          async () => {
            const p = await progress(db);
            return w.child.exitCode !== null || ((p?.running.W ?? 0) > 0 && (p?.running.S ?? 0) > 0);
          },
          30_000,
          20,
        );

        const rnd = prng(19);
        const restarts: (RestartTiming & { inFlight: Record<string, number>; recoveryMs: number })[] = [];
        for (const [k, mode] of PLAN.entries()) {
          // Restart k lands once (k + 1)/(n + 1) of the windows are done, so every restart finds work
          // left however fast the machine is; the jitter puts the stop at a random point in a window.
          const due = Math.floor(((k + 1) * windows) / (PLAN.length + 1));
          await waitFor(
            `${due} windows done before restart ${k + 1}`,
            async () => ((await progress(db))?.success ?? 0) >= due,
            60_000,
            20,
          ).catch((err: Error) => {
            throw new Error(`${err.message}: ${state()}\nworker stderr: ${workerStderr}`);
          });
          await sleep(Math.floor(rnd() * 150));
          const before = await progress(db);
          assert.ok(before, 'the server answers between restarts');
          if (before.success >= windows) break;
          const timing = await server.restart({ mode, downMs: 700 + Math.floor(rnd() * 1_600) });
          // Recovery: from the server being back to the next window a worker completes.
          let firstOk: number | undefined;
          await waitFor(
            `a window to succeed after the ${mode} restart`,
            async () => {
              firstOk = await firstSuccessAfter(db, timing.downAt);
              if (firstOk !== undefined) return true;
              const p = await progress(db);
              return p !== undefined && p.success >= windows;
            },
            45_000,
            50,
          ).catch((err: Error) => {
            throw new Error(`${err.message}: ${state()}\nworker stderr: ${workerStderr}`);
          });
          restarts.push({
            ...timing,
            inFlight: before.running,
            recoveryMs: firstOk === undefined ? 0 : Math.max(0, firstOk - timing.upAt),
          });
        }
        const restartsEnd = Date.now();

        const e = await exitWithin(worker, 90_000);
        assert.ok(e, 'the worker process finished in time');
        assert.equal(e.signal, null, `worker died: ${e.stderr.slice(0, 2000)}`);
        assert.equal(e.code, 0, `worker failed: ${e.stdout} ${e.stderr.slice(0, 2000)}`);
        await waitFor(
          'every window to succeed',
          async () => s.runner.fatal !== undefined || ((await progress(db))?.success ?? 0) >= windows,
          60_000,
          100,
        );
        await serve.stop(10_000);
        const finished = Date.now();
        assert.deepEqual(fatal, [], 'the serving runtime turned fatal');
        assert.equal(serve.runner.fatal, undefined);

        assert.ok(restarts.length >= 3, `only ${restarts.length} restarts landed before the work was done`);
        assert.ok(restarts.some((r) => r.mode === 'immediate') && restarts.some((r) => r.mode === 'fast'));
        // Each worker had windows in flight at some restart, so each rode one out mid-window.
        for (const label of ['W', 'S'])
          assert.ok(
            restarts.some((r) => (r.inFlight[label] ?? 0) > 0),
            `${label} never had a window in flight at a restart: ${JSON.stringify(restarts.map((r) => r.inFlight))}`,
          );
        const runs = await checkRuns(db, setup.jobs);
        assert.equal(runs.runs, windows);
        assert.deepEqual(runs.notSuccess, []);
        assert.equal(runs.duplicates, 0);
        const retried = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM etl_job_run WHERE attempt > 1`);
        const cmp = compareRows(await reference, await summaryRows(db));
        const outcomes = serve.runner.outcomes;
        report('server-restart', {
          restarts: restarts.length,
          modes: restarts.map((r) => r.mode).join(','),
          downtime_ms: restarts.map((r) => r.downtimeMs).join(','),
          in_flight_at_stop: restarts.map((r) => `W${r.inFlight.W ?? 0}/S${r.inFlight.S ?? 0}`).join(','),
          windows,
          windows_retried: retried.rows[0]!.n,
          serve_succeeded: outcomes.success,
          serve_failed: outcomes.failed + outcomes.lost,
          rows_compared: cmp.rows,
          differences: cmp.differences,
          recovery_ms: restarts.map((r) => r.recoveryMs).join(','),
          slowest_recovery_ms: Math.max(...restarts.map((r) => r.recoveryMs)),
          finish_after_last_restart_ms: finished - restartsEnd,
          total_ms: finished - testStart,
        });
        assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables, null, 1));
      } finally {
        if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
          worker.child.kill('SIGKILL');
          await worker.exit;
        }
        await serve?.stop(0).catch(() => undefined);
        for (const d of dbs) await d.close().catch(() => undefined);
        await server.cleanup();
      }
    },
  );
});
