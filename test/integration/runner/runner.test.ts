import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.js';
import { PermanentError } from '../../../src/core/errors.js';
import { SourceError } from '../../../src/jobs/read-records.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import type { Db } from '../../../src/db/types.js';
import { claim } from '../../../src/queue/claim.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { createTestTables, execRows, MIN, runRows, testConfig, testJob } from '../../helpers/test-jobs.js';

const NOW = Date.parse('2024-03-01T10:07:30Z');
const iso = (t: number) => new Date(t).toISOString();
const at = (hhmm: string) => iso(Date.parse(`2024-03-01T${hhmm}:00Z`));

let seq = 0;
/** A job name unique in the file: tests share one database per driver. */
const uniq = (base: string) => `${base}-${++seq}`;

async function makeRuntime(
  db: TestDb['db'],
  jobs: JobDefinition[],
  opts: { clock?: ManualClock; lookback?: string; jobConfig?: Record<string, unknown>; workers?: number } = {},
) {
  const clock = opts.clock ?? new ManualClock(NOW);
  const runtime = await Runtime.create({
    config: testConfig({ lookback: opts.lookback ?? '30m', jobs: opts.jobConfig ?? {} }),
    db,
    jobs,
    clock,
    // Waiting for a retry's backoff advances the manual clock instead of sleeping.
    sleep: async (ms) => clock.advance(ms),
    random: () => 0.5,
    sourceFactory: null,
    scheduler: { workers: opts.workers ?? 4, lease: MIN },
  });
  return { runtime, clock };
}

for (const driver of drivers()) {
  describe(`${driver}: runner`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(driver);
      await createTestTables(t.db);
    });
    after(() => t.close());

    it('T9: run --once covers exactly now − initial_lookback .. upper bound, and again after the rows are deleted', async () => {
      const name = uniq('t9');
      const { runtime } = await makeRuntime(t.db, [testJob({ name })]);
      const expected = ['09:35', '09:40', '09:45', '09:50', '09:55', '10:00'].map(at);
      const first = await runtime.runOnce();
      assert.deepEqual(first, { succeeded: 6, failed: 0, dead: 0, unfinished: 0, ok: true });
      assert.deepEqual((await execRows(t.db, name)).map((r) => r.from).sort(), expected);
      assert.ok((await runRows(t.db, name)).every((r) => r.status === 'success' && r.attempt === 1));
      await t.db.query('DELETE FROM etl_job_run WHERE job = $1', [name]);
      await t.db.query('DELETE FROM test_exec WHERE job = $1', [name]);
      await runtime.runOnce();
      assert.deepEqual((await execRows(t.db, name)).map((r) => r.from).sort(), expected);
      // Nothing more is due: a third pass runs nothing.
      await runtime.runOnce();
      assert.equal((await execRows(t.db, name)).length, 6);
    });

    it('keeps a window that ends after the upper bound queued until the clock passes it', async () => {
      const name = uniq('future');
      const { runtime, clock } = await makeRuntime(t.db, [testJob({ name })], { lookback: '5m' });
      const tenantId = runtime.tenants[0]!.id;
      const future = { from: Date.parse(at('10:05')), to: Date.parse(at('10:10')) };
      await enqueueWindows(t.db, { job: name, tenantId, windows: [future], maxAttempts: 5, now: NOW });
      const r = await runtime.runOnce();
      assert.equal(r.ok, true);
      const runs = await runRows(t.db, name);
      assert.deepEqual(
        runs.map((x) => [x.from, x.status]),
        [
          [at('10:00'), 'success'],
          [at('10:05'), 'queued'],
        ],
      );
      assert.ok(!(await execRows(t.db, name)).some((x) => x.from === at('10:05')), 'never executed');
      clock.set(Date.parse('2024-03-01T10:11:59Z')); // upper bound is still 10:05
      await runtime.runOnce();
      assert.equal((await runRows(t.db, name))[1]!.status, 'queued');
      clock.set(Date.parse('2024-03-01T10:12:00Z')); // floor(10:12 − 2m, 5m) = 10:10
      await runtime.runOnce();
      assert.equal((await runRows(t.db, name))[1]!.status, 'success');
    });

    it('a job that fails twice then succeeds ends success with attempt = 3', async () => {
      const name = uniq('flaky');
      const job = testJob({ name, fail: (call) => (call <= 2 ? new Error(`flaky call ${call}`) : undefined) });
      const { runtime, clock } = await makeRuntime(t.db, [job], { lookback: '5m' });
      const r = await runtime.runOnce();
      assert.deepEqual(r, { succeeded: 1, failed: 2, dead: 0, unfinished: 0, ok: true });
      const [run] = await runRows(t.db, name);
      assert.deepEqual([run!.status, run!.attempt, run!.last_error], ['success', 3, null]);
      assert.equal((await execRows(t.db, name)).length, 1);
      // Backoff with random = 0.5: 0.75 × 10s after attempt 1, 0.75 × 20s after attempt 2.
      assert.equal(clock.now() - NOW, 7_500 + 15_000);
    });

    it('a job that always fails ends dead; a PermanentError is dead at the first attempt', async () => {
      const name = uniq('broken');
      const perm = uniq('perm');
      const jobs = [
        testJob({ name, fail: () => new Error('source unreachable') }),
        testJob({ name: perm, fail: () => new PermanentError('bad_input', 'cannot parse') }),
      ];
      const { runtime } = await makeRuntime(t.db, jobs, {
        lookback: '5m',
        jobConfig: { [name]: { retry: { attempts: 3, base: '1s' } } },
      });
      const r = await runtime.runOnce();
      assert.equal(r.ok, false);
      assert.equal(r.dead, 2);
      const [broken] = await runRows(t.db, name);
      assert.deepEqual([broken!.status, broken!.attempt], ['dead', 3]);
      assert.match(broken!.last_error!, /source unreachable/);
      const [p] = await runRows(t.db, perm);
      assert.deepEqual([p!.status, p!.attempt], ['dead', 1]);
      assert.match(p!.last_error!, /PermanentError \[bad_input\]: cannot parse/);
    });

    it('opens the circuit after N failures and lets one probe through after the cool-down', async () => {
      const name = uniq('circuit');
      let healthy = false;
      const job = testJob({ name, fail: () => (healthy ? undefined : new Error('down')) });
      const { runtime, clock } = await makeRuntime(t.db, [job], {
        lookback: '20m',
        // One at a time, so exactly the windows before the circuit opened were tried.
        jobConfig: {
          [name]: { concurrency: 1, retry: { attempts: 10, base: '1s' }, circuit: { failures: 3, cooldown: '5m' } },
        },
      });
      const seen: string[] = [];
      runtime.events.on('circuit:opened', () => seen.push('opened'));
      runtime.events.on('circuit:half_open', () => seen.push('half_open'));
      runtime.events.on('circuit:closed', () => seen.push('closed'));
      await runtime.scheduler.tick();
      await runtime.runner.drain();
      const attempts = async () => (await runRows(t.db, name)).map((r) => r.attempt);
      assert.deepEqual(await attempts(), [1, 1, 1, 0], 'the third failure opened the circuit: the fourth never ran');
      assert.deepEqual(seen, ['opened']);
      const circuit = async () =>
        (await t.db.query<{ state: string }>('SELECT state FROM etl_job_circuit WHERE job = $1', [name])).rows[0]!
          .state;
      assert.equal(await circuit(), 'open');

      clock.advance(2 * MIN); // every backoff is over, the cool-down is not
      await runtime.runner.drain();
      assert.deepEqual(await attempts(), [1, 1, 1, 0], 'open: nothing runs');

      clock.advance(3 * MIN + 1); // past the cool-down: one probe, which fails
      await runtime.runner.drain();
      assert.deepEqual(await attempts(), [2, 1, 1, 0], 'exactly one probe (the oldest window)');
      assert.deepEqual(seen, ['opened', 'half_open', 'opened']);
      assert.equal(await circuit(), 'open');

      healthy = true;
      clock.advance(5 * MIN + 1);
      await runtime.runner.drain();
      assert.deepEqual(seen, ['opened', 'half_open', 'opened', 'half_open', 'closed']);
      assert.equal(await circuit(), 'closed');
      assert.ok(
        (await runRows(t.db, name)).every((r) => r.status === 'success'),
        'closed: the rest ran',
      );
    });

    it("failures of our own database are retried but do not count toward a tenant's circuit", async () => {
      const db = uniq('dbdown');
      const src = uniq('srcdown');
      // What pg throws when the server goes away mid-window, and the same errno from a source.
      const outage = () =>
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      const refused = () =>
        new SourceError('logs source failed: connect ECONNREFUSED', {
          cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5080'), { code: 'ECONNREFUSED' }),
        });
      let dbFailures = 0;
      const jobs = [
        testJob({ name: db, fail: () => (dbFailures++ < 4 ? outage() : undefined) }),
        testJob({ name: src, fail: refused }),
      ];
      const policy = { concurrency: 1, retry: { attempts: 10, base: '1s' }, circuit: { failures: 2, cooldown: '5m' } };
      const { runtime, clock } = await makeRuntime(t.db, jobs, {
        lookback: '5m',
        jobConfig: { [db]: policy, [src]: policy },
      });
      await runtime.scheduler.tick();
      await runtime.runner.drain();
      for (let i = 0; i < 4; i++) {
        clock.advance(MIN);
        await runtime.runner.drain();
      }
      const state = async (job: string) =>
        (
          await t.db.query<{ state: string; consecutive_failures: number }>(
            'SELECT state, consecutive_failures FROM etl_job_circuit WHERE job = $1',
            [job],
          )
        ).rows[0];
      const [dbRun] = await runRows(t.db, db);
      assert.deepEqual([dbRun!.status, dbRun!.attempt], ['success', 5], 'four outages retried, then success');
      assert.equal(await state(db), undefined, 'no circuit row: database outages never counted');
      assert.deepEqual(await state(src), { state: 'open', consecutive_failures: 2 }, 'a failing source opens it');
    });

    it('fails a window that exceeds its timeout', async () => {
      const name = uniq('slow');
      const { runtime } = await makeRuntime(t.db, [testJob({ name, sleepMs: 10_000 })], {
        lookback: '5m',
        jobConfig: { [name]: { timeout: '200ms', retry: { attempts: 1 } } },
      });
      const t0 = Date.now();
      const r = await runtime.runOnce();
      assert.ok(Date.now() - t0 < 5_000, 'did not wait for the job');
      assert.equal(r.dead, 1);
      const [run] = await runRows(t.db, name);
      assert.match(run!.last_error!, /RunTimeoutError \[run_timeout\]: window timed out after 200 ms/);
      assert.equal((await execRows(t.db, name)).length, 0);
    });

    it('completes the run itself when the job does not call ctx.complete', async () => {
      const name = uniq('nocomplete');
      const { runtime } = await makeRuntime(t.db, [testJob({ name, noComplete: true })], { lookback: '10m' });
      assert.equal((await runtime.runOnce()).succeeded, 2);
      const stats = await t.db.query<{ stats: { call: number; duration_ms: number } }>(
        'SELECT stats FROM etl_job_run WHERE job = $1',
        [name],
      );
      assert.equal(stats.rows[0]!.stats.call, 1);
      assert.equal(typeof stats.rows[0]!.stats.duration_ms, 'number');
    });

    it('DAG: a dependent window starts only after the windows it reads have succeeded', async () => {
      const calls = uniq('calls');
      const age = uniq('age');
      const failAt = Date.parse(at('09:50'));
      const jobs = [
        // Declared dependent-first: the registry orders them.
        testJob({ name: age, after: [{ job: calls, lookbehind: 5 * MIN }], sleepMs: 5 }),
        testJob({
          name: calls,
          sleepMs: 5,
          fail: (call, w) => (w.from === failAt && call === 1 ? new Error('x') : undefined),
        }),
      ];
      const { runtime } = await makeRuntime(t.db, jobs, { workers: 4 });
      const r = await runtime.runOnce();
      assert.equal(r.ok, true);
      const exec = await execRows(t.db);
      const seqOf = new Map(exec.filter((e) => e.job === calls).map((e) => [e.from, e.seq]));
      const ages = exec.filter((e) => e.job === age);
      assert.equal(ages.length, 6);
      for (const a of ages) {
        const from = Date.parse(a.from);
        for (const dep of [from - 5 * MIN, from]) {
          const depSeq = seqOf.get(iso(dep));
          if (dep < Date.parse(at('09:35'))) continue; // before the dependency's history
          assert.ok(depSeq !== undefined && depSeq < a.seq, `${age}@${a.from} ran after ${calls}@${iso(dep)}`);
        }
      }
      // The retried calls window held back exactly the two age windows that read it.
      const retried = seqOf.get(at('09:50'))!;
      assert.deepEqual(
        ages
          .filter((a) => a.seq > retried)
          .map((a) => a.from)
          .filter((f) => f === at('09:50') || f === at('09:55'))
          .sort(),
        [at('09:50'), at('09:55')],
      );
    });

    it('runs up to `concurrency` windows of one (non-sequential) job at once, and each commits', async () => {
      const name = uniq('conc');
      let running = 0;
      let maxRunning = 0;
      const job = testJob({
        name,
        sleepMs: 50,
        onStart: () => (maxRunning = Math.max(maxRunning, ++running)),
        onEnd: () => running--,
      });
      // 4 pool workers but concurrency 2: the per-job limit, not the pool, is what caps it here.
      const { runtime } = await makeRuntime(t.db, [job], { jobConfig: { [name]: { concurrency: 2 } } });
      await runtime.runOnce();
      const runs = await runRows(t.db, name);
      assert.equal(runs.length, 6);
      assert.deepEqual(
        runs.map((r) => r.status),
        runs.map(() => 'success'),
      );
      assert.equal((await execRows(t.db, name)).length, 6); // each window's own write committed
      assert.equal(maxRunning, 2);
    });

    it('runs a sequential job one window at a time, in order', async () => {
      const name = uniq('seq');
      let running = 0;
      let maxRunning = 0;
      const job: JobDefinition = {
        ...testJob({
          name,
          sleepMs: 10,
          onStart: () => (maxRunning = Math.max(maxRunning, ++running)),
          onEnd: () => running--,
        }),
        sequential: true,
      };
      const { runtime } = await makeRuntime(t.db, [job], { jobConfig: { [name]: { concurrency: 4 } } });
      await runtime.runOnce();
      const exec = await execRows(t.db, name);
      assert.equal(exec.length, 6);
      assert.deepEqual(
        exec.map((e) => e.from),
        [...exec.map((e) => e.from)].sort(),
      );
      assert.equal(maxRunning, 1);
    });

    it('graceful stop: a running window finishes within the grace period, else its lease is released', async () => {
      const quick = uniq('quick');
      const { runtime } = await makeRuntime(t.db, [testJob({ name: quick, sleepMs: 300 })], { lookback: '5m' });
      const claimed = new Promise((r) => runtime.events.on('run:claimed', r));
      await runtime.start();
      await claimed;
      await runtime.stop(5_000);
      assert.equal((await runRows(t.db, quick))[0]!.status, 'success');

      const slow = uniq('slow');
      const { runtime: rt2 } = await makeRuntime(t.db, [testJob({ name: slow, sleepMs: 20_000 })], { lookback: '5m' });
      const claimed2 = new Promise((r) => rt2.events.on('run:claimed', r));
      await rt2.start();
      await claimed2;
      const t0 = Date.now();
      await rt2.stop(100);
      assert.ok(Date.now() - t0 < 5_000);
      const [run] = await runRows(t.db, slow);
      assert.deepEqual([run!.status, run!.attempt, run!.locked_by], ['queued', 0, null]);
      assert.equal((await execRows(t.db, slow)).length, 0);
      await rt2.stop(); // twice is fine
    });

    it('renews the lease while a window runs longer than the lease', async () => {
      const name = uniq('long');
      const runtime = await Runtime.create({
        config: testConfig({ lookback: '5m' }),
        db: t.db,
        jobs: [testJob({ name, sleepMs: 5_000 })],
        sourceFactory: null,
        // Real clock: heartbeats every ~667 ms. A lease of 300 ms lost itself in CI when a loaded event
        // loop delayed one beat past it (the abort is right then); 2 s leaves room for such stalls.
        scheduler: { lease: 2_000 },
      });
      const tenantId = runtime.tenants[0]!.id;
      const w = { from: Date.parse('2024-01-01T00:00:00Z'), to: Date.parse('2024-01-01T00:05:00Z') };
      await enqueueWindows(t.db, { job: name, tenantId, windows: [w], maxAttempts: 3, now: Date.now() });
      const drained = runtime.runOnce({ tick: false });
      await new Promise((r) => setTimeout(r, 3_000)); // past the first lease's end
      const stolen = await claim(t.db, {
        workerId: 'intruder',
        now: Date.now(),
        lease: 2_000,
        limit: 5,
        pairs: [{ job: name, tenantId, upper: w.to, sequential: false, limit: 5, after: [] }],
        slots: new Map([[name, 5]]),
      });
      assert.deepEqual(stolen, [], 'the lease was renewed: nobody else may take the window');
      assert.equal((await drained).succeeded, 1);
      const [run] = await runRows(t.db, name);
      assert.deepEqual([run!.status, run!.attempt], ['success', 1]);
    });

    it('stops the pool when recording an outcome fails (the queue may be inconsistent)', async () => {
      const name = uniq('fatal');
      const real = t.db;
      // The database refuses exactly the failure write.
      const broken: Db = {
        kind: real.kind,
        flags: real.flags,
        target: real.target,
        query: (sql, params) =>
          sql.includes('Record a failed attempt') ? Promise.reject(new Error('disk full')) : real.query(sql, params),
        exec: (sql) => real.exec(sql),
        copyRows: (table, cols, rows) => real.copyRows(table, cols, rows),
        transaction: (fn) => real.transaction(fn),
        close: async () => undefined,
      };
      const runtime = await Runtime.create({
        config: testConfig({ lookback: '10m' }),
        db: broken,
        jobs: [testJob({ name, fail: () => new Error('job error') })],
        clock: new ManualClock(NOW),
        sourceFactory: null,
      });
      const fatal: string[] = [];
      runtime.events.on('runner:fatal', ({ error }) => fatal.push(error.message));
      await runtime.scheduler.tick();
      await assert.rejects(runtime.runner.drain(), /recording a run outcome failed: disk full/);
      assert.equal(fatal.length, 1);
      assert.equal(await runtime.runner.claimOnce(), 0, 'no more claims');
      await runtime.stop(0);
    });
  });
}
