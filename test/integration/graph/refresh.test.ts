import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { exactQuantile } from '../../../src/agg/sketch.js';
import { PermanentError } from '../../../src/core/errors.js';
import type { JobContext, JobResult } from '../../../src/jobs/job.js';
import { ageRefreshJob } from '../../../src/jobs/age-refresh.js';
import type { Queryable } from '../../../src/db/types.js';
import { isEnabled } from '../../../src/db/capabilities.js';
import { dropAgeGraph } from '../../../src/db/graph/age-session.js';
import { graphName } from '../../../src/db/graph/graph-name.js';
import { drivers, openTestDb, useTestDb } from '../../helpers/db.js';
import {
  MIN,
  T,
  insertCalls,
  prng,
  refresh,
  relationalEdges,
  seedResources,
  seedTenant,
  win,
  type CallInput,
} from './fixture.js';

const iso = (ms: number): string => new Date(ms).toISOString();

for (const driver of drivers()) {
  describe(`${driver}: age-refresh on the relational graph`, () => {
    it('writes exactly the hand-computed edges, changes nothing on a re-run, and drops edges after 10 quiet minutes', async () => {
      const db = await useTestDb(driver);
      const t = await seedTenant(db, 'acme');
      const id = await seedResources(db, t, ['a', 'b', 'c', 'd']);
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => id.get(n)!) as [number, number, number, number];
      const lat1 = Array<number>(10).fill(10);
      const lat2 = Array<number>(30).fill(30);
      await insertCalls(db, t, [
        { bucket: T - 10 * MIN, src: a, dst: b, latencies: lat1, errors: 5 },
        { bucket: T - 5 * MIN, src: a, dst: b, latencies: lat2, errors: 0 },
        { bucket: T - 5 * MIN, src: b, dst: c, latencies: [12, 14], errors: 2 },
        { bucket: T - 15 * MIN, src: a, dst: d, latencies: [1] }, // too old for the window ending at T
        { bucket: T, src: c, dst: d, latencies: [1] }, // the next window's bucket
      ]);

      const r1 = await refresh(db, t, T);
      assert.equal(r1.backend, 'relational');
      assert.equal(r1.edges, 2);
      const edges = await relationalEdges(db, t);
      assert.equal(edges.length, 2);
      const [ab, bc] = edges as [(typeof edges)[0], (typeof edges)[0]];
      // a → b: 40 calls in 600 s, 5 errors of 40 calls (the buckets' rates 0.5 and 0 would average 0.25),
      // p95 of the 40 merged latencies = sorted[37] = 30 (averaging the buckets' p95s would give 20).
      assert.deepEqual(
        { ...ab, p95_ms: undefined },
        {
          src: a,
          dst: b,
          first_seen: iso(T - 10 * MIN),
          last_seen: iso(T - 5 * MIN),
          calls: 40,
          errors: 5,
          rps: 40 / 600,
          err_rate: 5 / 40,
          p95_ms: undefined,
        },
      );
      const p95 = exactQuantile(
        [...lat1, ...lat2].sort((x, y) => x - y),
        0.95,
      );
      assert.equal(p95, 30);
      assert.ok(Math.abs(ab.p95_ms! - p95) <= 0.01 * p95, `p95 ${ab.p95_ms}`);
      assert.deepEqual(
        { src: bc.src, dst: bc.dst, first: bc.first_seen, last: bc.last_seen, calls: bc.calls, err: bc.err_rate },
        { src: b, dst: c, first: iso(T - 5 * MIN), last: iso(T - 5 * MIN), calls: 2, err: 1 },
      );
      assert.ok(Math.abs(bc.p95_ms! - 12) <= 0.12); // sorted[⌊0.95·1⌋] = 12

      // Same window again: same edges, same properties.
      await refresh(db, t, T);
      assert.deepEqual(await relationalEdges(db, t), edges);

      // Five minutes on, a → b is seen again: first_seen stays where it was first seen.
      await insertCalls(db, t, [{ bucket: T, src: a, dst: b, latencies: [20] }]);
      await refresh(db, t, T + 5 * MIN);
      const later = await relationalEdges(db, t);
      assert.deepEqual(
        later.map((e) => [e.src, e.dst, e.first_seen, e.last_seen, e.calls]),
        [
          [a, b, iso(T - 10 * MIN), iso(T), 31],
          [b, c, iso(T - 5 * MIN), iso(T - 5 * MIN), 2],
          [c, d, iso(T), iso(T), 1],
        ],
      );

      // Ten quiet minutes after the last calls: no edges, every resource (vertex) still there.
      const resourcesBefore = await db.query('SELECT resource_id FROM dim_resource WHERE tenant_id = $1', [t]);
      const r3 = await refresh(db, t, T + 15 * MIN);
      assert.equal(r3.edges, 0);
      assert.equal(r3.removed, 3);
      assert.deepEqual(await relationalEdges(db, t), []);
      const resourcesAfter = await db.query('SELECT resource_id FROM dim_resource WHERE tenant_id = $1', [t]);
      assert.equal(resourcesAfter.rows.length, resourcesBefore.rows.length);
      assert.equal(resourcesAfter.rows.length, 4);
    });

    it('re-running a window after its buckets were rewritten drops the edge that is gone', async () => {
      const db = await useTestDb(driver);
      const t = await seedTenant(db, 'acme');
      const id = await seedResources(db, t, ['a', 'b', 'c']);
      await insertCalls(db, t, [
        { bucket: T - 5 * MIN, src: id.get('a')!, dst: id.get('b')!, latencies: [1] },
        { bucket: T - 5 * MIN, src: id.get('b')!, dst: id.get('c')!, latencies: [1] },
      ]);
      await refresh(db, t, T);
      await db.query('DELETE FROM service_call_5m WHERE tenant_id = $1 AND src_resource_id = $2', [t, id.get('b')!]);
      await refresh(db, t, T);
      assert.deepEqual(
        (await relationalEdges(db, t)).map((e) => [e.src, e.dst]),
        [[id.get('a'), id.get('b')]],
      );
    });

    it('keeps CALLS edges per tenant = count(DISTINCT (src, dst)) of the last 10 minutes, tenants apart', async () => {
      const db = await useTestDb(driver);
      const rnd = prng(7);
      const tenants: number[] = [];
      for (const code of ['t1', 't2', 't3']) {
        const t = await seedTenant(db, code);
        tenants.push(t);
        // The same service names in every tenant: URNs are per tenant, so are resources and edges.
        const ids = [
          ...(
            await seedResources(
              db,
              t,
              Array.from({ length: 30 }, (_, i) => `s${i}`),
            )
          ).values(),
        ];
        const rows: CallInput[] = [];
        const seen = new Set<string>();
        for (let k = 0; k < 150; k++) {
          const src = ids[Math.floor(rnd() * ids.length)]!;
          const dst = ids[Math.floor(rnd() * ids.length)]!;
          const bucket = T - (1 + Math.floor(rnd() * 4)) * 5 * MIN; // T−20m … T−5m
          const key = `${bucket}/${src}/${dst}`;
          if (src === dst || seen.has(key)) continue;
          seen.add(key);
          rows.push({ bucket, src, dst, latencies: [rnd() * 100], errors: rnd() < 0.2 ? 1 : 0 });
        }
        await insertCalls(db, t, rows);
      }
      for (const to of [T, T + 5 * MIN, T + 10 * MIN]) {
        for (const t of tenants) await refresh(db, t, to);
        for (const t of tenants) {
          const expected = await distinctCalls(db, t, to);
          const got = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM graph_active_edge WHERE tenant_id = $1',
            [t],
          );
          assert.equal(got.rows[0]!.n, expected, `tenant ${t} at ${iso(to)}`);
          if (to === T) assert.ok(expected > 20);
        }
        // No edge of a tenant touches another tenant's resources.
        const leaks = await db.query(
          `SELECT 1 FROM graph_active_edge e JOIN dim_resource s ON s.resource_id = e.src_resource_id
             JOIN dim_resource d ON d.resource_id = e.dst_resource_id
            WHERE s.tenant_id <> e.tenant_id OR d.tenant_id <> e.tenant_id`,
        );
        assert.equal(leaks.rowCount, 0);
      }
    });

    it('runs as a job: the refresh and ctx.complete share one transaction', async () => {
      const tdb = await openTestDb(driver);
      const db = tdb.db;
      // On a server with AGE the job also writes the AGE graph: a graph of its own, dropped at the end.
      const graph = `obtest_job_${randomBytes(4).toString('hex')}`;
      try {
        const t = await seedTenant(db, 'acme');
        const id = await seedResources(db, t, ['a', 'b']);
        await insertCalls(db, t, [{ bucket: T - 5 * MIN, src: id.get('a')!, dst: id.get('b')!, latencies: [3, 4] }]);
        const job = ageRefreshJob();
        assert.equal(job.name, 'age-refresh');
        assert.deepEqual(job.after, [{ job: 'oo-calls', lookbehind: 5 * MIN }]);
        assert.equal(job.sequential, true);
        const completed: { tx: Queryable; result: JobResult }[] = [];
        const ctx = (fail: boolean) =>
          ({
            db,
            options: { graph },
            async complete(tx: Queryable, result: JobResult) {
              // Visible inside the job's transaction when complete runs.
              const n = await tx.query('SELECT 1 FROM graph_active_edge WHERE tenant_id = $1', [t]);
              completed.push({ tx, result: { ...result, seen: n.rows.length } });
              if (fail) throw new Error('lease lost');
            },
          }) as unknown as JobContext;
        const tenant = { id: t, code: 'acme', name: 'acme' };
        await assert.rejects(job.run(ctx(true), tenant, win(T)), /lease lost/);
        assert.equal((await relationalEdges(db, t)).length, 0, 'rolled back with the failed complete');
        const result = await job.run(ctx(false), tenant, win(T));
        assert.equal(result.edges, 1);
        assert.equal(completed.at(-1)?.result.seen, 1);
        assert.deepEqual(result.rowsWritten, { graph_active_edge: 1 });
        assert.equal((await relationalEdges(db, t)).length, 1);
        await assert.rejects(
          job.run({ ...ctx(false), options: { graph, mode: 'turbo' } }, tenant, win(T)),
          (e: unknown) => e instanceof PermanentError && /jobs\.age-refresh\.options\.mode/.test(e.message),
        );
      } finally {
        if (await isEnabled(db, 'age')) await db.transaction((tx) => dropAgeGraph(tx, graphName(graph)));
        await tdb.close();
      }
    });

    it('mirrors the topology edges open at the window end as structural edges when asked', async () => {
      const db = await useTestDb(driver);
      const t = await seedTenant(db, 'acme');
      const id = await seedResources(db, t, ['a', 'b', 'c']);
      await db.query(
        `INSERT INTO topo_edge_time(tenant_id, src_resource_id, dst_resource_id, relation, valid, origin) VALUES
           ($1, $2, $3, 'runs_on', tstzrange($5, NULL), 'terraform'),
           ($1, $2, $3, 'runs_on', tstzrange($5, NULL), 'ansible'),
           ($1, $3, $4, 'depends_on', tstzrange($5, $6), 'ansible'),
           ($1, $4, $2, 'member_of', tstzrange($6, NULL), 'pulumi')`,
        [t, id.get('a')!, id.get('b')!, id.get('c')!, new Date(T - 60 * MIN), new Date(T - 30 * MIN)],
      );
      const r = await refresh(db, t, T, { with_topology: true });
      assert.equal(r.structEdges, 2);
      const rows = await db.query<{ src: number; dst: number; relation: string }>(
        'SELECT src_resource_id AS src, dst_resource_id AS dst, relation FROM graph_struct_edge WHERE tenant_id = $1 ORDER BY relation',
        [t],
      );
      assert.deepEqual(
        rows.rows.map((x) => [x.src, x.dst, x.relation]),
        [
          [id.get('c'), id.get('a'), 'member_of'],
          [id.get('a'), id.get('b'), 'runs_on'],
        ],
      );
      const off = await refresh(db, t, T);
      assert.equal(off.structRemoved, 2);
    });
  });
}

async function distinctCalls(db: Queryable, tenantId: number, to: number): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT DISTINCT src_resource_id, dst_resource_id FROM service_call_5m
       WHERE tenant_id = $1 AND bucket >= $2 AND bucket < $3) x`,
    [tenantId, new Date(to - 10 * MIN), new Date(to)],
  );
  return r.rows[0]!.n;
}
