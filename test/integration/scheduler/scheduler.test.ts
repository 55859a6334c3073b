import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { inShard } from '../../../src/scheduler/shard.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { createTestTables, MIN, runRows, testConfig, testJob } from '../../helpers/test-jobs.js';

const NOW = Date.parse('2024-03-01T10:07:30Z');
let seq = 0;
const uniq = (base: string) => `${base}-${++seq}`;

for (const driver of drivers()) {
  describe(`${driver}: scheduler`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(driver);
      await createTestTables(t.db);
    });
    after(() => t.close());

    async function runtime(
      name: string,
      over: { lookback?: string; cap?: number; job?: Record<string, unknown> } = {},
    ) {
      const clock = new ManualClock(NOW);
      const rt = await Runtime.create({
        config: testConfig({ lookback: over.lookback ?? '1h', jobs: over.job ? { [name]: over.job } : {} }),
        db: t.db,
        jobs: [testJob({ name, align: 5 * MIN, delay: 2 * MIN })],
        clock,
        sourceFactory: null,
        scheduler: { maxEnqueuePerTick: over.cap ?? 1000 },
      });
      return { rt, clock };
    }

    it('spreads a long catch-up over ticks, oldest windows first', async () => {
      const name = uniq('catchup');
      const { rt } = await runtime(name, { cap: 5 }); // 1h lookback: 09:05 .. 10:05 = 12 windows
      const counts = [];
      for (let i = 0; i < 4; i++) counts.push((await rt.scheduler.tick()).enqueued);
      assert.deepEqual(counts, [5, 5, 2, 0]);
      const rows = await runRows(t.db, name);
      assert.equal(rows[0]!.from, '2024-03-01T09:05:00.000Z');
      assert.equal(rows.at(-1)!.to, '2024-03-01T10:05:00.000Z');
    });

    it('resumes from the end of the last successful window, and enqueues new windows as time passes', async () => {
      const name = uniq('resume');
      const { rt, clock } = await runtime(name, { lookback: '15m' });
      await rt.runOnce(); // 09:50, 09:55, 10:00
      await t.db.query(`DELETE FROM etl_job_run WHERE job = $1 AND window_from < '2024-03-01T10:00:00Z'`, [name]);
      clock.advance(10 * MIN); // upper bound 10:15
      assert.equal((await rt.scheduler.tick()).enqueued, 2, '10:05 and 10:10, nothing before the last success');
      assert.deepEqual(
        (await runRows(t.db, name)).map((r) => [r.from.slice(11, 16), r.status]),
        [
          ['10:00', 'success'],
          ['10:05', 'queued'],
          ['10:10', 'queued'],
        ],
      );
    });

    it('re-queues successful windows at their revisit ages', async () => {
      const name = uniq('revisit');
      const { rt, clock } = await runtime(name, { lookback: '5m', job: { revisit: ['15m'] } });
      await rt.runOnce(); // 10:00 - 10:05
      clock.set(Date.parse('2024-03-01T10:20:00Z'));
      const r = await rt.scheduler.tick();
      assert.equal(r.revisits, 1);
      await rt.runOnce();
      const runs = await runRows(t.db, name);
      assert.ok(runs.every((x) => x.status === 'success'));
      const exec = await t.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM test_exec WHERE job = $1 AND window_from = $2',
        [name, '2024-03-01T10:00:00Z'],
      );
      assert.equal(exec.rows[0]!.n, 2, 'run once, then once more at the 15m revisit');
    });

    it('takes only the tenants of its shard', async () => {
      const name = uniq('shard');
      const config = testConfig({ tenants: 6 });
      const shards = [0, 1].map((k) => ({ k, n: 2 }));
      const owned = await Promise.all(
        shards.map(async (shard) => {
          const rt = await Runtime.create({ config, db: t.db, jobs: [testJob({ name })], shard, sourceFactory: null });
          return rt.tenants.map((x) => x.code);
        }),
      );
      assert.deepEqual([...owned[0]!, ...owned[1]!].sort(), ['t1', 't2', 't3', 't4', 't5', 't6']);
      for (const [k, codes] of owned.entries()) assert.ok(codes.every((c) => inShard(c, { k, n: 2 })));
    });
  });
}
