/**
 * `run --threads N`: worker threads of one process on one server queue (src/runner/threads.ts).
 * The config checks run on every machine; the threads themselves need a PostgreSQL server (PGlite
 * is one in-process database: N > 1 is rejected there).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { syncTenants } from '../../../src/db/tenants.js';
import type { Db } from '../../../src/db/types.js';
import { builtInJobs } from '../../../src/jobs/index.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { checkThreads, runOnceThreaded, ThreadPool, workersPerThread } from '../../../src/runner/threads.js';
import { spawn } from 'node:child_process';
import { BIN, CHILD_TIMEOUT_MS, runCli } from '../../helpers/child.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../../helpers/reliability/checksum.js';
import { demoTenantsYaml } from '../../helpers/demo-tenants.js';
import { windowsOf } from '../../helpers/reliability/setup.js';

const MIN = 60_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
const JOBS = ['oo-metrics', 'oo-calls', 'oo-logs'];

const demoTenantsConfig = (scale: number, extra = ''): string => demoTenantsYaml(scale, JOBS, extra);

describe('threads: configuration', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ob-threads-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scheduler.threads is validated with its path', () => {
    assert.throws(
      () => parseConfig(demoTenantsConfig(1, 'scheduler: {threads: 0}'), 'x.yaml', {}),
      (e: unknown) => e instanceof ConfigError && /scheduler\.threads: /.test(e.message),
    );
    assert.throws(
      () => parseConfig(demoTenantsConfig(1, 'scheduler: {threads: 1.5}'), 'x.yaml', {}),
      /scheduler\.threads: /,
    );
    assert.equal(parseConfig(demoTenantsConfig(1, 'scheduler: {threads: 3}'), 'x.yaml', {}).scheduler.threads, 3);
  });

  it('scheduler.workers is the process total, shared out among the threads (at least 1 each)', () => {
    const cfg = (w: string) => parseConfig(demoTenantsConfig(1, w), 'x.yaml', {});
    assert.deepEqual(
      [
        workersPerThread(cfg(''), 1),
        workersPerThread(cfg(''), 2),
        workersPerThread(cfg('scheduler: {workers: 5}'), 2),
        workersPerThread(cfg('scheduler: {workers: 1}'), 3),
      ],
      [4, 2, 3, 1],
    );
  });

  it('more than one thread needs a server: PGlite is rejected naming the field', () => {
    assert.throws(() => checkThreads(2, './.observebridge/db', 'scheduler.threads'), {
      name: 'ConfigError',
      message: /^scheduler\.threads: 2 threads need a PostgreSQL server/,
    });
    assert.throws(() => checkThreads(0, 'postgres://h/db', '--threads'), {
      message: /^--threads: must be an integer from 1 to 64/,
    });
    assert.throws(() => checkThreads(Number('two'), 'postgres://h/db', '--threads'), {
      message: /^--threads: must be an integer/,
    });
    checkThreads(1, './.observebridge/db', 'scheduler.threads');
    checkThreads(4, 'postgresql://h/db', '--threads');
  });

  it('a worker thread that dies fails the run, naming the thread and its error', async () => {
    const t = await openTestDb('pglite');
    try {
      const cfg = join(dir, 'die.yaml');
      writeFileSync(cfg, demoTenantsConfig(0.02));
      const main = await Runtime.create({
        config: loadConfig(cfg, {}).config,
        db: t.db,
        jobs: builtInJobs(),
        workerId: 'main',
        scheduling: false,
      });
      // The thread cannot read its config: it dies before it opens any database.
      const spec = { configPath: join(dir, 'missing.yaml'), dbTarget: 'postgres://127.0.0.1:1/none', grace: 0 };
      const run = runOnceThreaded(main, 2, spec, { tick: false });
      const s = await run.result;
      await run.stop(0);
      assert.equal(s.ok, false);
      assert.match(s.error ?? '', /^worker thread 1 died: thread 1: config: cannot read .*missing\.yaml/);
      assert.deepEqual(s.per_thread, [{ succeeded: 0, failed: 0, dead: 0 }, null]);
    } finally {
      await t.close();
    }
  });

  it('run rejects threads on PGlite before opening the database (exit 2, with the field)', () => {
    const cfg = join(dir, 'threads.yaml');
    writeFileSync(cfg, demoTenantsConfig(0.02, 'scheduler: {threads: 2}'));
    const db = join(dir, 'never');
    const fromConfig = runCli(['run', '--once', '--config', cfg, '--db', db]);
    assert.equal(fromConfig.code, 2, fromConfig.stderr);
    assert.match(fromConfig.stderr, /scheduler\.threads: 2 threads need a PostgreSQL server/);
    const fromFlag = runCli(['run', '--once', '--threads', '3', '--config', cfg, '--db', db]);
    assert.equal(fromFlag.code, 2, fromFlag.stderr);
    assert.match(fromFlag.stderr, /--threads: 3 threads need a PostgreSQL server/);
    assert.equal(existsSync(db), false, 'the PGlite directory was never created');
  });
});

if (!drivers().includes('postgres')) {
  describe('threads on a server', () => {
    it('needs a PostgreSQL server', { skip: 'PGlite is single-threaded; set DATABASE_URL to run these' }, () => {});
  });
} else {
  describe('postgres: threads', () => {
    const url = process.env.DATABASE_URL!;
    let dir: string;
    const dbs: TestDb[] = [];
    before(() => (dir = mkdtempSync(join(tmpdir(), 'ob-threads-pg-'))));
    after(async () => {
      for (const t of dbs) await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function freshDb(): Promise<TestDb> {
      const t = await openTestDb('postgres');
      dbs.push(t);
      return t;
    }

    function writeConfig(name: string, scale: number): string {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, demoTenantsConfig(scale));
      return file;
    }

    /** Every window of the jobs in [T0, T0 + minutes) for both tenants; returns how many. */
    async function enqueue(db: Db, cfg: string, jobs: readonly string[], minutes: number): Promise<number> {
      const config = loadConfig(cfg, {}).config;
      let n = 0;
      for (const tenant of await syncTenants(db, config.tenants))
        for (const job of jobs) {
          const windows = windowsOf(config, job, T0, T0 + minutes * MIN);
          await enqueueWindows(db, { job, tenantId: tenant.id, windows, maxAttempts: 5, now: T0 });
          n += windows.length;
        }
      return n;
    }

    function mainRuntime(db: Db, cfg: string, lease: number): Promise<Runtime> {
      return Runtime.create({
        config: loadConfig(cfg, {}).config,
        db,
        jobs: builtInJobs({ configPath: cfg }),
        workerId: 'main',
        scheduling: false,
        scheduler: { workers: 2, lease },
        pollInterval: 50,
      });
    }

    it('run --once over 2 threads: the same summary tables as 1 thread, every window success once', async () => {
      const cfg = writeConfig('equal', 0.05);
      const one = await freshDb();
      const two = await freshDb();
      const queued = await enqueue(one.db, cfg, JOBS, 20);
      assert.equal(await enqueue(two.db, cfg, JOBS, 20), queued);

      const single = await mainRuntime(one.db, cfg, 10_000);
      const s1 = await single.runOnce({ tick: false });
      await single.stop(0);
      assert.deepEqual([s1.ok, s1.succeeded], [true, queued]);

      const main = await mainRuntime(two.db, cfg, 10_000);
      const run = runOnceThreaded(
        main,
        2,
        { configPath: cfg, dbTarget: url, schema: two.schema!, grace: 0, scheduler: { workers: 2, lease: 10_000 } },
        { tick: false },
      );
      const s2 = await run.result;
      await run.stop(0);
      assert.equal(s2.error, undefined);
      assert.deepEqual([s2.ok, s2.succeeded, s2.dead, s2.unfinished, s2.threads], [true, queued, 0, 0, 2]);
      const [m, w] = s2.per_thread;
      assert.equal(m!.succeeded + w!.succeeded, queued);
      assert.ok(m!.succeeded > 0 && w!.succeeded > 0, `both threads ran windows: ${JSON.stringify(s2.per_thread)}`);

      const runs = await checkRuns(two.db, JOBS);
      assert.deepEqual([runs.runs, runs.duplicates, runs.notSuccess], [queued, 0, []]);
      const reference = await summaryRows(one.db);
      for (const table of ['metric_1m', 'service_call_5m', 'log_pattern_5m', 'log_pattern', 'dim_resource'])
        assert.ok((reference[table]?.length ?? 0) > 0, `${table} has rows to compare`);
      const cmp = compareRows(reference, await summaryRows(two.db));
      assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables));
    });

    it('stop releases the leases of every thread and ends the threads', async () => {
      // Big windows (scale 2: 10,000 log lines a minute) so each thread is inside one when stopped.
      const cfg = writeConfig('stop', 2);
      const t = await freshDb();
      await enqueue(t.db, cfg, ['oo-calls', 'oo-logs'], 30);
      const main = await mainRuntime(t.db, cfg, 30_000);
      await main.start();
      const pool = ThreadPool.start(
        main,
        1,
        { configPath: cfg, dbTarget: url, schema: t.schema!, grace: 0, scheduler: { workers: 2, lease: 30_000 } },
        { kind: 'serve' },
      );
      const lockers = async () =>
        (
          await t.db.query<{ locked_by: string }>(
            "SELECT DISTINCT locked_by FROM etl_job_run WHERE status = 'running' ORDER BY 1",
          )
        ).rows.map((r) => r.locked_by);
      const end = Date.now() + 120_000;
      let seen: string[];
      while ((seen = await lockers()).length < 2) {
        assert.ok(Date.now() < end, `both threads running a window (saw ${JSON.stringify(seen)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(seen.includes('main') && seen.some((w) => /:t1:/.test(w)), JSON.stringify(seen));
      const running = (
        await t.db.query<{ run_id: number; locked_by: string }>(
          "SELECT run_id, locked_by FROM etl_job_run WHERE status = 'running'",
        )
      ).rows;
      const released: number[] = [];
      main.events.on('runner:stopped', (e) => released.push(e.released));
      const t0 = Date.now();
      await Promise.all([main.stop(0), pool.stop(0)]);
      const took = Date.now() - t0;
      assert.equal(pool.failure, undefined);
      assert.ok(took < 15_000, `stopped in ${took} ms`);
      assert.deepEqual(await lockers(), [], 'no window left running');
      const after = new Map(
        (
          await t.db.query<{ run_id: number; status: string; locked_by: string | null }>(
            'SELECT run_id, status, locked_by FROM etl_job_run WHERE run_id = ANY($1::bigint[])',
            [running.map((r) => r.run_id)],
          )
        ).rows.map((r) => [r.run_id, r]),
      );
      // grace 0: a window still running is handed back (queued, unlocked), unless it ended first.
      const back = (w: (id: string) => boolean) =>
        running.filter((r) => w(r.locked_by) && after.get(r.run_id)?.status === 'queued').length;
      for (const r of running) {
        const a = after.get(r.run_id)!;
        assert.ok(['queued', 'success'].includes(a.status) && a.locked_by === null, JSON.stringify([r, a]));
      }
      assert.ok(back((w) => /:t1:/.test(w)) >= 1, 'the worker thread released its window');
      assert.ok(back((w) => w === 'main') >= 1 && (released[0] ?? 0) >= 1, 'the main thread released its window');
    });

    it('the CLI: run --once --threads 2 counts every thread; run --threads 2 stops on SIGTERM (exit 0)', async () => {
      const t = await freshDb();
      const cfg = join(dir, 'cli.yaml');
      writeFileSync(cfg, demoTenantsConfig(0.02, 'http: {enabled: false}'));
      // The test's schema through the connection's options, as a deployment may set search_path.
      const db = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.schema},public`)}`;
      const once = runCli(['run', '--once', '--json', '--threads', '2', '--config', cfg, '--db', db]);
      assert.equal(once.code, 0, once.stderr);
      const s = JSON.parse(once.stdout) as {
        succeeded: number;
        ok: boolean;
        threads: number;
        per_thread: { succeeded: number }[];
      };
      assert.deepEqual([s.ok, s.threads, s.per_thread.length], [true, 2, 2]);
      assert.equal(s.per_thread[0]!.succeeded + s.per_thread[1]!.succeeded, s.succeeded);
      const done = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM etl_job_run WHERE status = 'success'",
      );
      assert.ok(
        s.succeeded > 0 && done.rows[0]!.n === s.succeeded,
        `${s.succeeded} vs ${done.rows[0]!.n} in the queue`,
      );

      const child = spawn(process.execPath, [BIN, 'run', '--threads', '2', '--config', cfg, '--db', db], {
        // info: the test waits for the worker thread's 'running' line (the config logs nothing).
        env: { PATH: process.env.PATH, HOME: process.env.HOME, OBSERVEBRIDGE_LOG_LEVEL: 'info' },
      });
      let stderr = '';
      const running = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('worker thread running')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
      await Promise.race([running, exited]);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /"reason":"SIGTERM"/);
      const left = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM etl_job_run WHERE status = 'running'",
      );
      assert.equal(left.rows[0]!.n, 0, 'no lease left behind');
    });
  });
}
