import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getEvidence, listEvents } from '../../../src/db/queries/events.js';
import type { Tenant } from '../../../src/core/tenant.js';
import { QuantileSketch } from '../../../src/agg/sketch.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { seedTenants, tableSnapshot } from '../../helpers/job-harness.js';
import { callRow, events, jobOf, M, metricRow, resource, runRules, sketchOf, T0 } from './fixtures.js';

const errorRule = {
  id: 'edge-errors',
  table: 'service_call_5m',
  where: [{ field: 'dst_type', op: 'eq', value: 'database' }],
  group_by: ['src', 'dst'],
  kind: 'threshold',
  value: { agg: 'ratio', num: 'errors', den: 'calls' },
  when: { op: '>=', value: 0.2 },
  guard: [{ agg: 'sum', field: 'calls', op: '>=', value: 10 }],
  resolve_after: 2,
  reopen_within: 0,
  severity: 'ERROR',
  title: '{{dst_name}}: {{value}} errors from {{src_name}}',
};

const B = (k: number) => T0 + k * 5 * M;
/** The rules window that evaluates bucket k (it ends where the bucket ends). */
const evalEnd = (k: number) => B(k) + 5 * M;

for (const driver of drivers()) {
  describe(`rules job (${driver})`, () => {
    let t: TestDb;
    let tenant: Tenant;
    let other: Tenant;
    let src: number;
    let dst: number;
    let cache: number;

    before(async () => {
      t = await openTestDb(driver);
      const ts = await seedTenants(t.db, ['inc', 'calm']);
      tenant = ts[0]!;
      other = ts[1]!;
      src = await resource(t.db, tenant.id, 'urn:k8s:svc:shop/orders', 'k8s_service', 'orders');
      dst = await resource(t.db, tenant.id, 'urn:db:postgres:orders-db/orders', 'database', 'orders');
      cache = await resource(t.db, tenant.id, 'urn:db:redis:r/0', 'database', 'redis');
    });
    after(() => t.close());

    it('opens one event, updates it while the condition holds, resolves it after resolve_after quiet buckets', async () => {
      const errs = [0, 30, 40, 0, 0, 0];
      for (const [k, e] of errs.entries()) {
        await callRow(t.db, tenant.id, B(k), src, dst, 100, e, sketchOf(100, 5));
        await callRow(t.db, tenant.id, B(k), src, cache, 100, 1, sketchOf(100, 1));
      }
      const job = jobOf([errorRule]);
      // Windows that are not the end of a bucket do not evaluate the 5-minute rule.
      const mid = await runRules(t.db, job, tenant, B(1) + 3 * M);
      assert.equal((mid.rules as { evaluated: number }).evaluated, 0);

      await runRules(t.db, job, tenant, evalEnd(0));
      assert.equal((await events(t.db, tenant.id)).length, 0, 'bucket 0 is healthy');

      const r1 = await runRules(t.db, job, tenant, evalEnd(1));
      assert.deepEqual((r1.events as Record<string, number>).opened, 1);
      let ev = await events(t.db, tenant.id);
      assert.equal(ev.length, 1);
      assert.equal(ev[0]!.status, 'open');
      assert.equal(ev[0]!.windows, 1);
      assert.equal(ev[0]!.value, 0.3);
      assert.equal(ev[0]!.title, 'orders: 0.3 errors from orders');
      assert.equal(ev[0]!.severity, 'ERROR');
      assert.equal(Number(ev[0]!.resource_id), dst, 'an edge event is about its callee');
      assert.equal(ev[0]!.first_seen.getTime(), B(1));
      assert.equal(ev[0]!.detected_at.getTime(), evalEnd(1));
      const id = ev[0]!.event_id;

      await runRules(t.db, job, tenant, evalEnd(2));
      ev = await events(t.db, tenant.id);
      assert.equal(ev.length, 1, 'the same event is updated, never duplicated');
      assert.equal(ev[0]!.event_id, id);
      assert.equal(ev[0]!.windows, 2);
      assert.equal(ev[0]!.peak_value, 0.4);
      assert.equal(ev[0]!.last_seen.getTime(), evalEnd(2));

      await runRules(t.db, job, tenant, evalEnd(3));
      assert.equal((await events(t.db, tenant.id))[0]!.status, 'open', 'one quiet bucket is not enough');
      await runRules(t.db, job, tenant, evalEnd(4));
      ev = await events(t.db, tenant.id);
      assert.equal(ev[0]!.status, 'resolved');
      assert.equal(ev[0]!.resolved_at!.getTime(), evalEnd(4));
      await runRules(t.db, job, tenant, evalEnd(5));
      assert.equal((await events(t.db, tenant.id)).length, 1);

      // Evidence: both firing buckets' edge rows with their locators and the OO SQL.
      const evidence = await getEvidence(t.db, { tenantId: tenant.id, eventId: id, limit: 100, offset: 0 });
      assert.ok(evidence);
      const traces = evidence.evidence.filter((x) => x.dim === 'trace');
      assert.equal(traces.length, 2);
      for (const x of traces) {
        assert.equal((x.ref_pg as { table: string }).table, 'service_call_5m');
        assert.equal((x.ref_pg as { keys: { dst_resource_id: number } }).keys.dst_resource_id, dst);
        assert.match(x.locator!.query_hint!, /^SELECT \* FROM "traces"/);
      }
      assert.deepEqual(
        traces.map((x) => (x.ref_pg as { keys: { bucket: string } }).keys.bucket),
        [new Date(B(1)).toISOString(), new Date(B(2)).toISOString()],
      );
      assert.equal(evidence.event.status, 'resolved');
      assert.equal(evidence.event.evidence_count, evidence.evidence.length);

      // The other tenant sees nothing.
      assert.equal((await listEvents(t.db, { tenantId: other.id, limit: 10 })).events.length, 0);
    });

    it('re-running a window (any of them, in any order) gives the same rows', async () => {
      const job = jobOf([errorRule]);
      const tables = ['event_envelope', 'rule_state', 'evidence_link'];
      const excl = { event_envelope: ['updated_at'], rule_state: [], evidence_link: ['evidence_id'] } as Record<
        string,
        string[]
      >;
      const snap = () => Promise.all(tables.map((x) => tableSnapshot(t.db, x, excl[x])));
      const first = await snap();
      for (const k of [1, 2, 4, 3, 5, 0]) await runRules(t.db, job, tenant, evalEnd(k));
      assert.deepEqual(await snap(), first);
    });

    it('a baseline rule compares a series with its own history and needs min_history', async () => {
      const host = await resource(t.db, tenant.id, 'urn:host:db-1', 'host', 'db-1');
      const quiet = await resource(t.db, tenant.id, 'urn:host:web-1', 'host', 'web-1');
      const base = Date.parse('2026-06-10T14:00:00Z');
      for (let i = 0; i < 13; i++) {
        const v = i === 12 ? 0.9 : 0.2 + (i % 3) * 0.01;
        await metricRow(t.db, tenant.id, base + i * M, host, 'cpu', v);
        await metricRow(t.db, tenant.id, base + i * M, quiet, 'cpu', 0.3 + (i % 2) * 0.02);
      }
      const rule = (minHistory: number) => ({
        id: `cpu-baseline-${minHistory}`,
        table: 'metric_1m',
        where: [{ field: 'metric', op: 'eq', value: 'cpu' }],
        group_by: ['resource'],
        kind: 'baseline',
        value: { agg: 'max', field: 'max' },
        baseline: { windows: 12, min_history: minHistory },
        when: { op: '>=', factor: 2, min_delta: 0.1 },
      });
      const job = jobOf([rule(10), rule(13)]);
      const r = await runRules(t.db, job, tenant, base + 13 * M);
      assert.deepEqual((r.rules as { opened: Record<string, number> }).opened, { 'cpu-baseline-10': 1 });
      const page = await listEvents(t.db, { tenantId: tenant.id, rule: 'cpu-baseline-10', limit: 10 });
      assert.equal(page.events.length, 1);
      assert.equal(page.events[0]!.resource?.urn, 'urn:host:db-1');
      const detail = (page.events[0]!.labels as { detail: { baseline: number; history: number } }).detail;
      assert.equal(detail.history, 12);
      assert.ok(Math.abs(detail.baseline - 0.21) < 1e-9, `median of the history, got ${detail.baseline}`);
    });

    it('p95 over several buckets comes from the merged sketches, never from averaged p95s', async () => {
      const a = await resource(t.db, tenant.id, 'urn:k8s:svc:shop/a', 'k8s_service', 'a');
      const b = await resource(t.db, tenant.id, 'urn:db:postgres:x/y', 'database', 'y');
      const s0 = sketchOf(900, 10);
      const s1 = sketchOf(100, 1000);
      const k0 = Date.parse('2026-06-10T16:00:00Z');
      await callRow(t.db, tenant.id, k0, a, b, 900, 0, s0);
      await callRow(t.db, tenant.id, k0 + 5 * M, a, b, 100, 0, s1);
      const merged = new QuantileSketch();
      merged.merge(s0);
      merged.merge(s1);
      const expected = merged.quantile(0.95);
      const averaged = (s0.quantile(0.95) + s1.quantile(0.95)) / 2;
      assert.ok(Math.abs(expected - averaged) > 100, 'the case separates the two');
      const job = jobOf([
        {
          id: 'p95-10m',
          table: 'service_call_5m',
          where: [{ field: 'src', op: 'eq', value: 'urn:k8s:svc:shop/a' }],
          group_by: ['src', 'dst'],
          kind: 'threshold',
          value: { agg: 'p95' },
          range: '10m',
          when: { op: '>=', value: 0 },
        },
      ]);
      await runRules(t.db, job, tenant, k0 + 10 * M);
      const page = await listEvents(t.db, { tenantId: tenant.id, rule: 'p95-10m', limit: 10 });
      assert.equal(page.events.length, 1);
      assert.ok(Math.abs(page.events[0]!.value! - expected) < 1e-9, `${page.events[0]!.value} vs ${expected}`);
    });
  });
}
