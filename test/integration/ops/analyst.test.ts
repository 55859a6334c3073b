/**
 * The Analyst: a case opened from an ObserveBridge event (event_envelope + evidence_link, as the
 * rules job writes them) carries the event and its evidence, starts its analysis, gets the template
 * the event's kind calls for, and is the same case when the event is opened twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OpsAgent } from '../../../src/ops/agent.js';
import { getCase, latestPlan } from '../../../src/ops/store.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { EDGE, OPS_NOW, count, opsAgent, seedEdge } from '../../helpers/ops.js';

const EVENT = '878e26ff-c37c-4fe3-9625-adb56f10a8d7';

for (const driver of drivers()) {
  describe(`${driver}: ops Analyst (case from an event)`, () => {
    let t: TestDb;
    let agent: OpsAgent;
    before(async () => {
      t = await openTestDb(driver);
      await seedEdge(t.db, 'globex', OPS_NOW, [
        { p95: 54, errRate: 0.36 },
        { p95: 50, errRate: 0.3 },
      ]);
      const tid = (await t.db.query<{ tenant_id: string }>(`SELECT tenant_id FROM dim_tenant WHERE code = 'globex'`))
        .rows[0]!.tenant_id;
      await t.db.query(
        `INSERT INTO event_envelope (event_id, tenant_id, severity, kind, title, summary, rule_id, group_key)
         VALUES ($1, $2, 'WARN', 'anomaly', $3, 'p95 54 >= 25', 'db-latency-p95', $4)`,
        [EVENT, tid, `${EDGE.dst}: p95 54.06 ms from ${EDGE.src}`, EDGE],
      );
      await t.db.query(
        `INSERT INTO evidence_link (event_id, dim, ref_pg, note) VALUES ($1, 'metric', $2, 'the edge bucket'), ($1, 'topo', $3, 'callee')`,
        [
          EVENT,
          { table: 'service_call_5m', keys: { src: EDGE.src, dst: EDGE.dst } },
          { table: 'topo_edge_time', keys: {} },
        ],
      );
      agent = opsAgent(t.db).agent;
    });
    after(() => t.close());

    it('opens the case with the event and its evidence, in ANALYZING; the same event gives the same case', async () => {
      const a = await agent.openFromEvent(EVENT);
      assert.equal(a.status, 201, JSON.stringify(a.body));
      const id = String(a.body.data);
      const c = await getCase(t.db, id);
      assert.equal(c?.tenant, 'globex');
      assert.equal(c?.status, 'ANALYZING');
      assert.equal(c?.title, `${EDGE.dst}: p95 54.06 ms from ${EDGE.src}`);
      assert.deepEqual(c?.source.edge, EDGE);
      assert.equal(c?.source.event_id, EVENT);
      assert.deepEqual(
        (c?.source.evidence as { dim: string; note: string }[]).map((e) => [e.dim, e.note]),
        [
          ['metric', 'the edge bucket'],
          ['topo', 'callee'],
        ],
      );
      const again = await agent.openFromEvent(EVENT);
      assert.equal(again.body.data, id);
      assert.equal(await count(t.db, 'SELECT count(*) AS n FROM ops_case'), 1);
      assert.equal((await agent.openFromEvent('00000000-0000-4000-8000-000000000000')).status, 404);
    });

    it("plans for the event's kind and verifies the event's edge — still failing, so the case parks", async () => {
      const id = String((await agent.openFromEvent(EVENT)).body.data);
      assert.equal((await agent.generatePlan({ caseId: id })).status, 201);
      await agent.settle();
      const plan = await latestPlan(t.db, id);
      assert.equal(plan?.origin, 'template:dependency_slow');
      assert.deepEqual((plan?.plan.verify as { checks: unknown[] }).checks[0], {
        scope: 'edge',
        ...EDGE,
        p95_ms_max: 500,
        err_rate_max: 0.05,
      });
      await agent.evaluateGate(id);
      await agent.settle();
      await agent.execute({ caseId: id });
      await agent.settle();
      const v = await agent.verify(id);
      await agent.settle();
      assert.equal((v.body.data as { passed: boolean }).passed, false, 'err_rate 0.36 is over 0.05');
      assert.equal((await getCase(t.db, id))?.status, 'PARKED');
    });
  });
}
