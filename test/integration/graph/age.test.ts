/**
 * The AGE backend, on a server that offers Apache AGE (DATABASE_URL). Elsewhere every test says why it
 * was skipped. Each test writes its own graph (graph names are database-wide) and drops it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isEnabled } from '../../../src/db/capabilities.js';
import { cypher, dropAgeGraph, enterAge } from '../../../src/db/graph/age-session.js';
import { graphName, type GraphName } from '../../../src/db/graph/graph-name.js';
import { graphImpact, graphPath, graphShow } from '../../../src/db/graph/queries.js';
import type { Db } from '../../../src/db/types.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { FIXTURE_EDGES, MIN, T, insertCalls, refresh, seedFixtureGraph, seedTenant, urnOf } from './fixture.js';

let t: TestDb | undefined;
let skipReason: string | undefined;
const graphs: GraphName[] = [];

function newGraph(): GraphName {
  const g = graphName(`obtest_${randomBytes(5).toString('hex')}`);
  graphs.push(g);
  return g;
}

before(async () => {
  if (!drivers().includes('postgres')) {
    skipReason = 'AGE tests need a PostgreSQL server with Apache AGE: set DATABASE_URL (PGlite has no AGE)';
    return;
  }
  const ext = await (async () => {
    t = await openTestDb('postgres');
    return isEnabled(t.db, 'age');
  })();
  if (!ext) skipReason = `the server at DATABASE_URL (${t!.db.target}) does not offer Apache AGE`;
});

after(async () => {
  if (!t) return;
  if (!skipReason) for (const g of graphs) await t.db.transaction((tx) => dropAgeGraph(tx, g));
  await t.close();
});

function skipped(ctx: TestContext): boolean {
  if (skipReason) {
    ctx.diagnostic(`skipped: ${skipReason}`);
    ctx.skip(skipReason);
    return true;
  }
  return false;
}

interface GraphDump {
  vertices: string[];
  calls: [number, number, string][];
  struct: [number, number, string][];
}

/** Everything in the label tables, by resource ids (graph ids differ between two graphs). */
async function dump(db: Db, g: GraphName): Promise<GraphDump> {
  return db.transaction(async (tx) => {
    await enterAge(tx);
    const rid = (alias: string): string =>
      `ag_catalog.agtype_access_operator(VARIADIC ARRAY[${alias}.properties, '"resource_id"'::ag_catalog.agtype])::bigint`;
    const vertices = await tx.query<{ p: string }>(`SELECT properties::text AS p FROM "${g}"."Resource" ORDER BY 1`);
    const edges = async (label: string): Promise<[number, number, string][]> =>
      (
        await tx.query<{ s: number; d: number; p: string }>(
          `SELECT ${rid('s')} AS s, ${rid('d')} AS d, e.properties::text AS p FROM "${g}"."${label}" e
             JOIN "${g}"."Resource" s ON s.id = e.start_id JOIN "${g}"."Resource" d ON d.id = e.end_id
            ORDER BY 1, 2, 3`,
        )
      ).rows.map((r) => [Number(r.s), Number(r.d), r.p]);
    return { vertices: vertices.rows.map((r) => r.p), calls: await edges('CALLS'), struct: await edges('STRUCT') };
  });
}

describe('AGE backend', () => {
  it('SQL mode: a plain Cypher MATCH sees exactly the refreshed edges', async (ctx) => {
    if (skipped(ctx)) return;
    const db = t!.db;
    const g = newGraph();
    const tenant = await seedTenant(db, `age_${g}`);
    await seedFixtureGraph(db, tenant);
    const r = await refresh(db, tenant, T, { graph: g }, true);
    assert.equal(r.backend, 'age');
    assert.equal(r.age?.edgesWritten, FIXTURE_EDGES.length);
    const seen = await db.transaction(async (tx) => {
      await enterAge(tx);
      return cypher<{ s: number; d: number; calls: number; err_rate: number; p95: number; first_seen: string }>(
        tx,
        g,
        `MATCH (a)-[e:CALLS]->(b) RETURN {s: a.resource_id, d: b.resource_id, calls: e.calls, err_rate: e.err_rate,
           p95: e.p95, first_seen: e.first_seen}`,
      );
    });
    const rel = await db.query<{
      s: number;
      d: number;
      calls: number;
      err_rate: number;
      p95: number;
      first_seen: Date;
    }>(
      `SELECT src_resource_id AS s, dst_resource_id AS d, calls, err_rate, p95_ms AS p95, first_seen
         FROM graph_active_edge WHERE tenant_id = $1`,
      [tenant],
    );
    const key = (x: { s: number; d: number }): string => `${x.s}>${x.d}`;
    const sort = <X extends { s: number; d: number }>(xs: X[]): X[] =>
      [...xs].sort((a, b) => key(a).localeCompare(key(b)));
    assert.deepEqual(
      sort(seen),
      sort(rel.rows.map((x) => ({ ...x, first_seen: new Date(x.first_seen).toISOString() }))),
    );
  });

  it('SQL and Cypher modes leave identical graphs through re-runs, new calls and quiet windows', async (ctx) => {
    if (skipped(ctx)) return;
    const db = t!.db;
    const gSql = newGraph();
    const gCy = newGraph();
    const tenant = await seedTenant(db, `modes_${gSql}`);
    const ids = await seedFixtureGraph(db, tenant);
    await db.query(
      `INSERT INTO topo_edge_time(tenant_id, src_resource_id, dst_resource_id, relation, valid, origin)
       VALUES ($1, $2, $3, 'runs_on', tstzrange($4, NULL), 'terraform')`,
      [tenant, ids.get('api')!, ids.get('db')!, new Date(T - 60 * MIN)],
    );
    const steps: [number, () => Promise<void>][] = [
      [T, async () => undefined],
      [T, async () => undefined], // the same window again
      [
        T + 5 * MIN,
        () => insertCalls(db, tenant, [{ bucket: T, src: ids.get('cdn')!, dst: ids.get('idle')!, latencies: [3] }]),
      ],
      [T + 15 * MIN, async () => undefined], // ten quiet minutes: every edge goes
    ];
    let previous: GraphDump | undefined;
    for (const [i, [to, prepare]] of steps.entries()) {
      await prepare();
      await refresh(db, tenant, to, { graph: gSql, mode: 'sql', with_topology: true }, true);
      await refresh(db, tenant, to, { graph: gCy, mode: 'cypher', with_topology: true, batch_size: 4 }, true);
      const a = await dump(db, gSql);
      const b = await dump(db, gCy);
      assert.deepEqual(b, a, `step ${i}`);
      const relCount = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM graph_active_edge WHERE tenant_id = $1',
        [tenant],
      );
      assert.equal(a.calls.length, relCount.rows[0]!.n, `step ${i}: CALLS = graph_active_edge`);
      if (i === 1) assert.deepEqual(a, previous, 're-run changes nothing');
      previous = a;
    }
    assert.equal(previous!.calls.length, 0);
    assert.equal(previous!.vertices.length, 10, 'vertices remain');
    assert.equal(previous!.struct.length, 1, 'the open topology edge stays');
  });

  it('gives the same query results on AGE and on the relational table', async (ctx) => {
    if (skipped(ctx)) return;
    const db = t!.db;
    const g = newGraph();
    const tenant = await seedTenant(db, `q_${g}`);
    const other = await seedTenant(db, `q2_${g}`);
    await seedFixtureGraph(db, tenant);
    const ids2 = await seedFixtureGraph(db, other);
    await insertCalls(db, other, [
      { bucket: T - 5 * MIN, src: ids2.get('bank')!, dst: ids2.get('web')!, latencies: [1] },
    ]);
    await refresh(db, tenant, T, { graph: g, with_topology: true }, true);
    await refresh(db, other, T, { graph: g, mode: 'cypher' }, true);
    for (const code of [`q_${g}`, `q2_${g}`]) {
      const both = async <R>(f: (o: { backend: 'age' | 'relational'; graph: string }) => Promise<R>): Promise<R> => {
        const age = await f({ backend: 'age', graph: g });
        const rel = await f({ backend: 'relational', graph: g });
        assert.deepEqual(age, rel);
        return age;
      };
      for (const name of ['orders', 'web', 'db', 'bank', 'idle']) {
        for (const hops of [1, 3, 6]) await both((o) => graphImpact(db, { tenant: code, urn: urnOf(name), hops }, o));
      }
      for (const [a, b] of [
        ['web', 'bank'],
        ['web', 'db'],
        ['bank', 'web'],
        ['batch', 'bank'],
        ['payments', 'db'],
      ] as const) {
        await both((o) => graphPath(db, { tenant: code, from: urnOf(a), to: urnOf(b) }, o));
      }
      const show = await both((o) => graphShow(db, { tenant: code, withTopology: true }, o));
      assert.equal(show.edges.length, code.startsWith('q2') ? 11 : 10, 'tenants see only their own edges');
    }
  });
});
