import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncTenants } from '../../../src/db/tenants.js';
import type { Db } from '../../../src/db/types.js';
import { claim, type ClaimPair } from '../../../src/queue/claim.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { LeaseLostError } from '../../../src/queue/errors.js';
import { extendLeases } from '../../../src/queue/extend-lease.js';
import { markFailed } from '../../../src/queue/fail.js';
import { reclaimExpired } from '../../../src/queue/reclaim-expired.js';
import { releaseRuns } from '../../../src/queue/release.js';
import { requeueRevisits } from '../../../src/queue/revisit.js';
import { queueStatus } from '../../../src/queue/status.js';
import { markSuccess } from '../../../src/queue/succeed.js';
import type { ClaimedRun } from '../../../src/queue/types.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { MIN, runRows } from '../../helpers/test-jobs.js';

const T0 = Date.parse('2024-03-01T10:00:00Z');
const W = (i: number) => ({ from: T0 + i * 5 * MIN, to: T0 + (i + 1) * 5 * MIN });
const CIRCUIT = { failures: 3, cooldown: 5 * MIN };

// One database per driver for the whole file (opening one per test is slow on a busy machine);
// every test works on jobs of its own, so tests never see each other's rows.
let job = 'j';
let seq = 0;

function pair(tenantId: number, over: Partial<ClaimPair> = {}): ClaimPair {
  return { job, tenantId, upper: T0 + 60 * MIN, sequential: false, limit: 10, after: [], ...over };
}

async function setup(db: Db, windows = 4): Promise<number> {
  job = `j${++seq}`;
  const [t] = await syncTenants(db, [{ code: 't1' }]);
  await enqueueWindows(db, {
    job,
    tenantId: t!.id,
    windows: Array.from({ length: windows }, (_, i) => W(i)),
    maxAttempts: 3,
    now: T0,
  });
  return t!.id;
}

const take = (db: Db, pairs: ClaimPair[], now: number, worker = 'w1', limit = 10) =>
  claim(db, { workerId: worker, now, lease: MIN, limit, pairs, slots: new Map(pairs.map((p) => [p.job, 10])) });

const fail = (db: Db, run: ClaimedRun, now: number, circuit = CIRCUIT) =>
  markFailed(db, run, { error: 'boom', permanent: false, runAfter: now + MIN, circuit, now });
const NO_CIRCUIT = { failures: 100, cooldown: MIN };

for (const driver of drivers()) {
  describe(`${driver}: queue transitions`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(driver);
    });
    after(() => t.close());
    it('enqueues once; force re-queues only ended windows', async () => {
      const tid = await setup(t.db, 3);
      const again = await enqueueWindows(t.db, {
        job,
        tenantId: tid,
        windows: [W(0), W(1), W(3)],
        maxAttempts: 3,
        now: T0,
      });
      assert.deepEqual(
        again.map((x) => x.action),
        ['existing', 'existing', 'inserted'],
      );
      const [a] = await take(t.db, [pair(tid, { limit: 1 })], T0 + 30 * MIN);
      await t.db.transaction((tx) => markSuccess(tx, a!, {}, T0 + 30 * MIN));
      const forced = await enqueueWindows(t.db, {
        job,
        tenantId: tid,
        windows: [W(0), W(1)],
        maxAttempts: 3,
        now: T0,
        force: true,
      });
      assert.deepEqual(
        forced.map((x) => [x.action, x.status]),
        [
          ['requeued', 'queued'],
          ['existing', 'queued'],
        ],
      );
      const rows = await runRows(t.db, job);
      assert.equal(rows[0]!.attempt, 0, 'a forced window gets a fresh attempt budget');
      assert.equal(rows.length, 4);
    });

    it('claims only due, claimable windows and counts the attempt at claim', async () => {
      const tid = await setup(t.db, 6);
      const now = T0 + 40 * MIN;
      // Seed one row in each state: 0 queued, 1 failed (due), 2 failed (backoff not over),
      // 3 running (live lease), 4 running (lease expired), 5 success.
      const all = await take(t.db, [pair(tid)], now);
      assert.equal(all.length, 6);
      const by = (i: number) => all.find((r) => r.from === W(i).from)!;
      await fail(t.db, by(1), now - 2 * MIN); // run_after = now − 1m
      await fail(t.db, by(2), now); // run_after = now + 1m
      await t.db.query(
        `UPDATE etl_job_run SET status = 'queued', attempt = 0, locked_by = NULL WHERE job = $2 AND window_from = $1`,
        [new Date(W(0).from).toISOString(), job],
      );
      await t.db.query(`UPDATE etl_job_run SET lease_until = $2 WHERE job = $3 AND window_from = $1`, [
        new Date(W(4).from).toISOString(),
        new Date(now - 1).toISOString(),
        job,
      ]);
      await t.db.transaction((tx) => markSuccess(tx, by(5), {}, now));
      const before = await runRows(t.db, job);
      const got = await take(t.db, [pair(tid)], now, 'w2');
      assert.deepEqual(
        got.map((r) => r.from).sort(),
        [W(0).from, W(1).from, W(4).from],
        'queued, failed past its backoff, and expired running',
      );
      const after = await runRows(t.db, job);
      for (const i of [2, 3, 5]) assert.deepEqual(after[i], before[i], `row ${i} untouched`);
      assert.deepEqual(
        [0, 1, 4].map((i) => [after[i]!.status, after[i]!.attempt, after[i]!.locked_by]),
        [
          ['running', 1, 'w2'],
          ['running', 2, 'w2'],
          ['running', 2, 'w2'],
        ],
      );
      assert.equal((await take(t.db, [pair(tid)], now, 'w3')).length, 0, 'nothing left to claim');
    });

    it('never claims a window that ends after the upper bound', async () => {
      const tid = await setup(t.db, 4);
      const got = await take(t.db, [pair(tid, { upper: W(2).from })], T0 + 60 * MIN);
      assert.deepEqual(
        got.map((r) => r.from),
        [W(0).from, W(1).from],
      );
      assert.deepEqual(
        (await runRows(t.db, job)).map((r) => r.status),
        ['running', 'running', 'queued', 'queued'],
      );
    });

    it('writes outcomes only for the owner: success needs the live lease', async () => {
      const tid = await setup(t.db, 1);
      const [a] = await take(t.db, [pair(tid)], T0 + 30 * MIN);
      // The lease runs out and w2 takes the window over.
      const late = T0 + 32 * MIN;
      const [b] = await take(t.db, [pair(tid)], late, 'w2');
      assert.equal(b!.attempt, 2);
      await assert.rejects(
        t.db.transaction((tx) => markSuccess(tx, a!, {}, late)),
        LeaseLostError,
      );
      assert.equal(await fail(t.db, a!, late), null, 'the old owner cannot record a failure either');
      assert.deepEqual(await extendLeases(t.db, [a!], late, MIN), [a], 'nor extend the lease');
      await assert.rejects(
        t.db.transaction((tx) => markSuccess(tx, b!, {}, b!.leaseUntil)),
        LeaseLostError,
        'a lease that expired (lease_until <= now) is not the owner any more',
      );
      await t.db.transaction((tx) => markSuccess(tx, b!, { rows: 1 }, late));
      const [row] = await runRows(t.db, job);
      assert.deepEqual([row!.status, row!.attempt, row!.locked_by], ['success', 2, null]);
    });

    it('retries with run_after, then dead when attempts run out; PermanentError is dead at once', async () => {
      const tid = await setup(t.db, 2);
      let now = T0 + 30 * MIN;
      const [a, p] = await take(t.db, [pair(tid)], now);
      const perm = await markFailed(t.db, p!, {
        error: 'bad input',
        permanent: true,
        runAfter: now,
        circuit: NO_CIRCUIT,
        now,
      });
      assert.equal(perm!.status, 'dead');
      let r = await fail(t.db, a!, now, NO_CIRCUIT);
      assert.equal(r!.status, 'failed');
      assert.equal(r!.runAfter, now + MIN);
      for (let attempt = 2; attempt <= 3; attempt++) {
        assert.equal((await take(t.db, [pair(tid)], now)).length, 0, 'not before run_after');
        now += MIN;
        const [again] = await take(t.db, [pair(tid)], now);
        assert.equal(again!.attempt, attempt);
        r = await fail(t.db, again!, now, NO_CIRCUIT);
      }
      assert.equal(r!.status, 'dead');
      const rows = await runRows(t.db, job);
      assert.deepEqual(
        rows.map((x) => [x.status, x.attempt, x.last_error]),
        [
          ['dead', 3, 'boom'],
          ['dead', 1, 'bad input'],
        ],
      );
      assert.equal((await take(t.db, [pair(tid)], now + 60 * MIN)).length, 0);
    });

    it('opens the circuit after N failures, lets one probe through after the cool-down, closes on success', async () => {
      const tid = await setup(t.db, 6);
      let now = T0 + 40 * MIN;
      const first = await take(t.db, [pair(tid)], now, 'w1', 3);
      const results = [];
      for (const run of first) results.push(await fail(t.db, run, now));
      assert.deepEqual(
        results.map((r) => r!.circuit),
        ['closed', 'closed', 'open'],
      );
      assert.equal(results[2]!.previousCircuit, 'closed');
      now += 2 * MIN; // backoffs are over, the cool-down is not
      assert.equal((await take(t.db, [pair(tid)], now)).length, 0, 'open circuit: nothing claimed');
      now += 4 * MIN; // past the cool-down
      const probe = await take(t.db, [pair(tid)], now);
      assert.equal(probe.length, 1, 'exactly one probe');
      assert.equal(probe[0]!.probe, true);
      const c = await t.db.query<{ state: string }>('SELECT state FROM etl_job_circuit WHERE job = $1', [job]);
      assert.equal(c.rows[0]!.state, 'half_open');
      assert.equal((await take(t.db, [pair(tid)], now, 'w2')).length, 0, 'no second probe while one is in flight');
      const reopened = await fail(t.db, probe[0]!, now);
      assert.deepEqual([reopened!.previousCircuit, reopened!.circuit], ['half_open', 'open']);
      assert.equal(reopened!.circuitRetryAt, now + CIRCUIT.cooldown);
      now += CIRCUIT.cooldown;
      const [probe2] = await take(t.db, [pair(tid)], now);
      const ok = await t.db.transaction((tx) => markSuccess(tx, probe2!, {}, now));
      assert.equal(ok.previousCircuit, 'half_open');
      const closed = await t.db.query<{ state: string; consecutive_failures: number }>(
        'SELECT state, consecutive_failures FROM etl_job_circuit WHERE job = $1',
        [job],
      );
      assert.deepEqual(closed.rows[0], { state: 'closed', consecutive_failures: 0 });
      now += 10 * MIN;
      assert.equal((await take(t.db, [pair(tid)], now)).length, 5, 'closed again: everything left is claimable');
    });

    it('sequential pairs run their oldest unfinished window only, one at a time', async () => {
      const tid = await setup(t.db, 3);
      const now = T0 + 30 * MIN;
      const seq = pair(tid, { sequential: true });
      const [a] = await take(t.db, [seq], now);
      assert.equal(a!.from, W(0).from);
      assert.equal((await take(t.db, [seq], now, 'w2')).length, 0, 'one running: none more');
      await fail(t.db, a!, now);
      assert.equal((await take(t.db, [seq], now, 'w2')).length, 0, 'the oldest is in backoff: the next waits');
      const [b] = await take(t.db, [seq], now + MIN, 'w2');
      assert.equal(b!.from, W(0).from);
      await t.db.transaction((tx) => markSuccess(tx, b!, {}, now + MIN));
      const [c] = await take(t.db, [seq], now + MIN, 'w2');
      assert.equal(c!.from, W(1).from);
    });

    it('gates a window on the success of the windows it depends on', async () => {
      const tid = await setup(t.db, 3); // job j: W0..W2
      const dep = job;
      await enqueueWindows(t.db, { job: `${dep}k`, tenantId: tid, windows: [W(1), W(2)], maxAttempts: 3, now: T0 });
      const now = T0 + 40 * MIN;
      const k = pair(tid, { job: `${dep}k`, after: [{ job: dep, lookbehind: 5 * MIN }] });
      assert.equal((await take(t.db, [k], now)).length, 0, 'j has not run yet');
      const js = await take(t.db, [pair(tid)], now);
      await t.db.transaction((tx) => markSuccess(tx, js[0]!, {}, now)); // W0
      await t.db.transaction((tx) => markSuccess(tx, js[1]!, {}, now)); // W1
      const got = await take(t.db, [k], now);
      assert.deepEqual(
        got.map((r) => r.from),
        [W(1).from],
        'k@W1 needs j@W0 and j@W1; k@W2 still waits for j@W2',
      );
      await t.db.transaction((tx) => markSuccess(tx, js[2]!, {}, now));
      assert.deepEqual(
        (await take(t.db, [k], now)).map((r) => r.from),
        [W(2).from],
      );
    });

    it('releases leases without counting the attempt; dead-letters lost runs on their last attempt', async () => {
      const tid = await setup(t.db, 2);
      const now = T0 + 30 * MIN;
      const [a, b] = await take(t.db, [pair(tid)], now);
      assert.equal(await releaseRuns(t.db, [a!], now), 1);
      await t.db.query(`UPDATE etl_job_run SET attempt = max_attempts, lease_until = $1 WHERE run_id = $2`, [
        new Date(now).toISOString(),
        b!.runId,
      ]);
      assert.equal(await reclaimExpired(t.db, now), 1);
      const rows = await runRows(t.db, job);
      assert.deepEqual(
        rows.map((r) => [r.status, r.attempt, r.locked_by]),
        [
          ['queued', 0, null],
          ['dead', 3, null],
        ],
      );
      assert.match(rows[1]!.last_error!, /worker lost \(lease expired\) on attempt 3 of 3/);
    });

    it('re-queues a successful window once per revisit age', async () => {
      const tid = await setup(t.db, 1);
      let now = W(0).to + MIN;
      const [a] = await take(t.db, [pair(tid)], now);
      await t.db.transaction((tx) => markSuccess(tx, a!, {}, now));
      const ages = [15 * MIN, 60 * MIN];
      assert.equal(await requeueRevisits(t.db, job, tid, ages, W(0).to + 14 * MIN), 0);
      now = W(0).to + 15 * MIN;
      assert.equal(await requeueRevisits(t.db, job, tid, ages, now), 1);
      assert.equal(await requeueRevisits(t.db, job, tid, ages, now), 0, 'queued: nothing more');
      const [b] = await take(t.db, [pair(tid)], now);
      assert.equal(b!.attempt, 1, 'a revisit starts a fresh attempt count');
      await t.db.transaction((tx) => markSuccess(tx, b!, {}, now));
      assert.equal(await requeueRevisits(t.db, job, tid, ages, now + 10 * MIN), 0, 'once per age');
      // The process was down past both ages: one re-run, not two.
      assert.equal(await requeueRevisits(t.db, job, tid, ages, W(0).to + 100 * MIN), 1);
      const r = await t.db.query<{ revisits: number; status: string }>(
        'SELECT revisits, status FROM etl_job_run WHERE job = $1',
        [job],
      );
      assert.deepEqual(r.rows[0], { revisits: 2, status: 'queued' });
    });

    it('reports status per (job, tenant)', async () => {
      const tid = await setup(t.db, 3);
      const now = T0 + 30 * MIN;
      const [a, b] = await take(t.db, [pair(tid)], now, 'w1', 2);
      await t.db.transaction((tx) => markSuccess(tx, a!, {}, now));
      await fail(t.db, b!, now);
      const [s] = await queueStatus(t.db, [{ job, tenantId: tid }], now);
      assert.deepEqual(s, {
        job,
        tenant: 't1',
        last_success_to: new Date(W(0).to).toISOString(),
        lag_seconds: (now - W(0).to) / 1000,
        queued: 1,
        running: 0,
        failed: 1,
        dead: 0,
        circuit: 'closed',
        last_error: 'boom',
      });
    });
  });
}
