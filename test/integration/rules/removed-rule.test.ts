import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../../../src/core/tenant.js';
import { RULE_REMOVED } from '../../../src/rules/store/orphans.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { seedTenants } from '../../helpers/job-harness.js';
import { callRow, jobOf, M, resource, runRules, sketchOf, T0 } from './fixtures.js';

/** Two rules over the same edge that both fire on every bucket below. */
const rule = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  table: 'service_call_5m',
  group_by: ['src', 'dst'],
  kind: 'threshold',
  value: { agg: 'ratio', num: 'errors', den: 'calls' },
  when: { op: '>=', value: 0.2 },
  ...extra,
});

const B = (k: number) => T0 + k * 5 * M;
const evalEnd = (k: number) => B(k) + 5 * M;

async function eventsOf(t: TestDb, tenantId: number) {
  const r = await t.db.query<{ rule_id: string; status: string; resolved_at: Date | null; reason: string | null }>(
    `SELECT rule_id, status, resolved_at, labels->>'resolved_reason' AS reason FROM event_envelope
     WHERE tenant_id = $1 ORDER BY rule_id`,
    [tenantId],
  );
  return Object.fromEntries(r.rows.map((x) => [x.rule_id, x]));
}

for (const driver of drivers()) {
  describe(`events of a removed rule (${driver})`, () => {
    let t: TestDb;
    let tenant: Tenant;

    before(async () => {
      t = await openTestDb(driver);
      tenant = (await seedTenants(t.db, ['rm']))[0]!;
      const src = await resource(t.db, tenant.id, 'urn:k8s:svc:shop/a', 'k8s_service', 'a');
      const dst = await resource(t.db, tenant.id, 'urn:db:postgres:x/y', 'database', 'y');
      for (let k = 0; k < 6; k++) await callRow(t.db, tenant.id, B(k), src, dst, 100, 50, sketchOf(100, 5));
    });
    after(() => t.close());

    it('resolves them with reason "rule removed"; a broken rule keeps its events open; a re-run writes the same', async () => {
      await runRules(t.db, jobOf([rule('a'), rule('b'), rule('c'), rule('d')]), tenant, evalEnd(0));
      let ev = await eventsOf(t, tenant.id);
      assert.deepEqual(
        Object.values(ev).map((e) => [e.rule_id, e.status]),
        ['a', 'b', 'c', 'd'].map((id) => [id, 'open']),
      );

      // a: removed; b: still there; c: broken in the reloaded config (held); d: now for another tenant only.
      const reloaded = jobOf(
        [rule('b'), rule('c', { when: { op: 'between', value: 1 } }), rule('d', { tenants: ['other'] })],
        true,
      );
      assert.deepEqual(reloaded.book.current({} as never).held, ['c']);
      const r = await runRules(t.db, reloaded, tenant, evalEnd(1));
      assert.deepEqual((r.rules as { resolved: Record<string, number> }).resolved, { a: 1, d: 1 });
      ev = await eventsOf(t, tenant.id);
      assert.equal(ev.a!.status, 'resolved');
      assert.equal(ev.a!.reason, RULE_REMOVED);
      assert.equal(ev.a!.resolved_at!.getTime(), evalEnd(1));
      assert.equal(ev.d!.status, 'resolved');
      assert.equal(ev.b!.status, 'open');
      assert.equal(ev.b!.reason, null);
      assert.equal(ev.c!.status, 'open', 'a broken rule keeps its events until it is fixed or removed');

      const before = JSON.stringify(await eventsOf(t, tenant.id));
      await runRules(t.db, reloaded, tenant, evalEnd(1));
      assert.equal(JSON.stringify(await eventsOf(t, tenant.id)), before, 'a re-run of the window writes the same');
      // An older window run again (replay) does not reopen them.
      await runRules(t.db, reloaded, tenant, evalEnd(0));
      assert.equal((await eventsOf(t, tenant.id)).a!.status, 'resolved');
    });
  });
}
