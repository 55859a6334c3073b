import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQueryError, graphImpact, graphPath, graphShow } from '../../../src/db/graph/queries.js';
import { drivers, useTestDb } from '../../helpers/db.js';
import { MIN, T, insertCalls, refresh, seedFixtureGraph, seedResources, seedTenant, urnOf } from './fixture.js';

const names = (xs: { urn: string; hops?: number }[] | undefined): [string, number | undefined][] =>
  (xs ?? []).map((x) => [x.urn.replace('urn:k8s:svc:default/', ''), x.hops]);

for (const driver of drivers()) {
  describe(`${driver}: graph queries (relational backend)`, () => {
    it('answers impact, path and show on the fixture graph, each tenant on its own edges', async () => {
      const db = await useTestDb(driver);
      const t1 = await seedTenant(db, 'one');
      const t2 = await seedTenant(db, 'two');
      await seedFixtureGraph(db, t1);
      const ids2 = await seedFixtureGraph(db, t2);
      // Only tenant two: bank calls web, which would put bank upstream of everything in tenant one.
      await insertCalls(db, t2, [
        { bucket: T - 5 * MIN, src: ids2.get('bank')!, dst: ids2.get('web')!, latencies: [1] },
      ]);
      await refresh(db, t1, T);
      await refresh(db, t2, T);
      const opts = { backend: 'relational' as const };

      const imp = await graphImpact(db, { tenant: 'one', urn: urnOf('orders'), hops: 3 }, opts);
      assert.deepEqual(names(imp.upstream), [
        ['api', 1],
        ['batch', 1],
        ['payments', 1],
        ['web', 2],
      ]);
      assert.deepEqual(names(imp.downstream), [
        ['db', 1],
        ['payments', 1],
        ['bank', 2],
      ]);
      const up1 = await graphImpact(db, { tenant: 'one', urn: urnOf('db'), hops: 1, direction: 'up' }, opts);
      assert.deepEqual(names(up1.upstream), [
        ['orders', 1],
        ['users', 1],
      ]);
      assert.equal(up1.downstream, undefined);
      const imp2 = await graphImpact(db, { tenant: 'two', urn: urnOf('orders'), hops: 5, direction: 'up' }, opts);
      assert.deepEqual(names(imp2.upstream), [
        ['api', 1],
        ['batch', 1],
        ['payments', 1],
        ['web', 2],
        ['bank', 3],
      ]);

      const p = await graphPath(db, { tenant: 'one', from: urnOf('web'), to: urnOf('bank') }, opts);
      assert.equal(p.hops, 4);
      assert.deepEqual(
        names(p.nodes).map((x) => x[0]),
        ['web', 'api', 'orders', 'payments', 'bank'],
      );
      assert.equal(p.edges.length, 4);
      assert.equal(p.edges[0]?.src, urnOf('web'));
      assert.equal(p.edges[3]?.dst, urnOf('bank'));
      // Two paths of 3 hops (via orders or users): the smaller URN sequence wins.
      const tie = await graphPath(db, { tenant: 'one', from: urnOf('web'), to: urnOf('db') }, opts);
      assert.deepEqual(
        names(tie.nodes).map((x) => x[0]),
        ['web', 'api', 'orders', 'db'],
      );
      const none = await graphPath(db, { tenant: 'one', from: urnOf('bank'), to: urnOf('web') }, opts);
      assert.deepEqual([none.hops, none.nodes, none.edges], [null, [], []]);
      const viaOther = await graphPath(db, { tenant: 'two', from: urnOf('bank'), to: urnOf('web') }, opts);
      assert.equal(viaOther.hops, 1);

      const show = await graphShow(db, { tenant: 'one' }, opts);
      assert.equal(show.tenant, 'one');
      assert.equal(show.nodes.length, 9); // every fixture resource but `idle`
      assert.equal(show.edges.length, 10);
      const webApi = show.edges.find((e) => e.src === urnOf('web') && e.dst === urnOf('api'))!;
      // web → api is fixture edge 0: one bucket (T−10m) of 3 calls, 0 errors.
      assert.deepEqual(
        { ...webApi, p95_ms: typeof webApi.p95_ms },
        {
          src: urnOf('web'),
          dst: urnOf('api'),
          calls: 3,
          errors: 0,
          rps: 3 / 600,
          err_rate: 0,
          p95_ms: 'number',
          first_seen: new Date(T - 10 * MIN).toISOString(),
          last_seen: new Date(T - 10 * MIN).toISOString(),
        },
      );
      assert.deepEqual(Object.keys(show.nodes[0]!).sort(), ['id', 'type', 'urn']);
      const show2 = await graphShow(db, { tenant: 'two' }, opts);
      assert.equal(show2.edges.length, 11);
      const ids1 = new Set(show.nodes.map((n) => n.id));
      assert.ok(show2.nodes.every((n) => !ids1.has(n.id)));

      await assert.rejects(
        graphShow(db, { tenant: 'nope' }, opts),
        (e: unknown) => e instanceof GraphQueryError && e.code === 'unknown_tenant',
      );
      await assert.rejects(graphImpact(db, { tenant: 'one', urn: 'urn:none' }, opts), /no resource 'urn:none'/);
      await assert.rejects(graphImpact(db, { tenant: 'one', urn: urnOf('db'), hops: 0 }, opts), /hops/);
    });

    it('answers for a resource with no active edges with empty lists, not an error', async () => {
      const db = await useTestDb(driver);
      const t = await seedTenant(db, 'one');
      await seedResources(db, t, ['lonely']);
      await refresh(db, t, T);
      const imp = await graphImpact(db, { tenant: 'one', urn: urnOf('lonely') }, { backend: 'relational' });
      assert.deepEqual([imp.upstream, imp.downstream], [[], []]);
      const show = await graphShow(db, { tenant: 'one' }, { backend: 'relational' });
      assert.deepEqual(show, { tenant: 'one', nodes: [], edges: [] });
    });
  });
}
