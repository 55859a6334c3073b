/**
 * Trace-correlated evidence (#15 A.4): an event on an edge links the log patterns that co-occur in
 * the edge's sampled failed traces — the top 5 of the edge → logs ranking (src/correlation) — as
 * `dim: log` links with `ref_pg.relation: 'trace-correlated'`; none for an edge without samples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../../../src/core/tenant.js';
import { rankEdgeLogs } from '../../../src/correlation/queries.js';
import { getEvidence } from '../../../src/db/queries/events.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { seedTenants, tableSnapshot } from '../../helpers/job-harness.js';
import {
  callRow,
  edgeTrace,
  events,
  jobOf,
  logPattern,
  M,
  patternRow,
  patternTrace,
  resource,
  runRules,
  sketchOf,
  T0,
} from './fixtures.js';

const errorRule = {
  id: 'edge-errors',
  table: 'service_call_5m',
  where: [{ field: 'dst_type', op: 'eq', value: 'database' }],
  group_by: ['src', 'dst'],
  kind: 'threshold',
  value: { agg: 'ratio', num: 'errors', den: 'calls' },
  when: { op: '>=', value: 0.2 },
  severity: 'ERROR',
  title: '{{dst_name}}: {{value}} errors from {{src_name}}',
};

const B = (k: number) => T0 + k * 5 * M;
const FAILED = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const HEALTHY = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'];

interface Ref {
  table: string;
  relation?: string;
  keys: { bucket?: string; resource: string; fingerprint: string; fingerprint_id: number };
}

for (const driver of drivers()) {
  describe(`rules: trace-correlated evidence (${driver})`, () => {
    let t: TestDb;
    let tenant: Tenant;
    let orders: number;
    let db: number;
    let cache: number;
    /** Pattern fingerprint → its log_pattern_5m row's locator id. */
    const locators = new Map<string, number>();

    before(async () => {
      t = await openTestDb(driver);
      tenant = (await seedTenants(t.db, ['tc']))[0]!;
      orders = await resource(t.db, tenant.id, 'urn:k8s:svc:shop/orders', 'k8s_service', 'orders');
      db = await resource(t.db, tenant.id, 'urn:db:postgres:orders-db/orders', 'database', 'orders-db');
      cache = await resource(t.db, tenant.id, 'urn:db:redis:r/0', 'database', 'redis');
      // Both edges fail in bucket 1; only orders → orders-db has sampled traces.
      await callRow(t.db, tenant.id, B(1), orders, db, 100, 40, sketchOf(100, 5));
      await callRow(t.db, tenant.id, B(1), orders, cache, 100, 40, sketchOf(100, 1));
      for (const id of FAILED) await edgeTrace(t.db, tenant.id, B(1), orders, db, id, true);
      for (const id of HEALTHY) await edgeTrace(t.db, tenant.id, B(1), orders, db, id, false);
      // [fingerprint, resource, severity, sampled failed traces, sampled healthy traces]
      const patterns: [string, number, string, number, number][] = [
        ['fp-timeout', orders, 'ERROR', 6, 0],
        ['fp-pool', db, 'ERROR', 4, 0],
        ['fp-retry', orders, 'WARN', 3, 1],
        ['fp-slow', db, 'WARN', 2, 2],
        ['fp-cache-miss', orders, 'INFO', 1, 5],
        ['fp-auth', orders, 'INFO', 1, 6],
        ['fp-healthy-only', orders, 'INFO', 0, 6],
      ];
      for (const [fp, res, sev, nf, nh] of patterns) {
        const id = await logPattern(t.db, tenant.id, fp, `${fp} <*>`, sev);
        const errs = sev === 'ERROR' ? 50 : 0;
        locators.set(fp, await patternRow(t.db, tenant.id, B(1), res, id, 100, errs));
        for (const tr of FAILED.slice(0, nf)) await patternTrace(t.db, tenant.id, B(1), res, id, tr, errs > 0);
        for (const tr of HEALTHY.slice(0, nh)) await patternTrace(t.db, tenant.id, B(1), res, id, tr, errs > 0);
      }
      // A busier row of fp-timeout in the next bucket (within the ranking's ±5 minutes of lines):
      // the link names the busiest row and its locator.
      const timeout = (
        await t.db.query<{ id: unknown }>(
          `SELECT fingerprint_id AS id FROM log_pattern WHERE fingerprint = 'fp-timeout'`,
        )
      ).rows[0]!.id;
      locators.set('fp-timeout', await patternRow(t.db, tenant.id, B(2), orders, Number(timeout), 300, 200));
      await runRules(t.db, jobOf([errorRule]), tenant, B(2));
    });
    after(() => t.close());

    const evidenceOf = async (dst: number) => {
      const ev = (await events(t.db, tenant.id)).find((e) => Number(e.resource_id) === dst);
      assert.ok(ev, `an event on the edge to ${dst}`);
      const r = await getEvidence(t.db, { tenantId: tenant.id, eventId: ev.event_id, limit: 1000, offset: 0 });
      return r!.evidence;
    };

    it('links the top 5 of the edge → logs ranking, in its order, each to its busiest row and locator', async () => {
      const evidence = await evidenceOf(db);
      const tc = evidence.filter((x) => (x.ref_pg as Ref | null)?.relation === 'trace-correlated');
      assert.deepEqual(
        tc.map((x) => (x.ref_pg as Ref).keys.fingerprint),
        ['fp-timeout', 'fp-pool', 'fp-retry', 'fp-slow', 'fp-cache-miss'],
        'the failing traces’ patterns first; fp-auth is 6th, fp-healthy-only never in a failed trace',
      );
      const ranking = await rankEdgeLogs(t.db, { tenantId: tenant.id, srcId: orders, dstId: db, from: B(1), to: B(2) });
      assert.deepEqual(
        tc.map((x) => (x.ref_pg as Ref).keys.fingerprint_id),
        ranking.patterns.slice(0, 5).map((p) => p.fingerprint_id),
        'the same ranking as the edge → logs read',
      );
      for (const x of tc) {
        const ref = x.ref_pg as Ref;
        assert.equal(x.dim, 'log');
        assert.equal(ref.table, 'log_pattern_5m');
        assert.equal(x.locator?.id, locators.get(ref.keys.fingerprint), ref.keys.fingerprint);
      }
      const top = tc[0]!;
      assert.equal((top.ref_pg as Ref).keys.bucket, new Date(B(2)).toISOString(), 'the busiest row of the pattern');
      assert.equal((top.ref_pg as Ref).keys.resource, 'urn:k8s:svc:shop/orders');
      assert.match(
        top.note!,
        /^trace-correlated urn:k8s:svc:shop\/orders: in 6\/6 failed, 0\/6 healthy sampled traces of urn:k8s:svc:shop\/orders -> urn:db:postgres:orders-db\/orders \(lift 13\): fp-timeout <\*>$/,
      );
      // The same-bucket links of callee and caller stay as they were (no relation), beside these.
      const sameBucket = evidence.filter((x) => x.dim === 'log' && (x.ref_pg as Ref).relation === undefined);
      assert.deepEqual(sameBucket.map((x) => (x.ref_pg as Ref).keys.fingerprint).sort(), ['fp-pool', 'fp-timeout']);
    });

    it('links none for an edge without sampled traces', async () => {
      const evidence = await evidenceOf(cache);
      assert.ok(
        evidence.some((x) => x.dim === 'trace'),
        'the event and its edge row are there',
      );
      assert.equal(evidence.filter((x) => (x.ref_pg as Ref | null)?.relation === 'trace-correlated').length, 0);
    });

    it('re-running the window gives the same links', async () => {
      const before1 = await tableSnapshot(t.db, 'evidence_link', ['evidence_id']);
      const n = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM evidence_link WHERE ref_pg->>'relation' = 'trace-correlated'`,
      );
      assert.equal(n.rows[0]!.n, 5);
      await runRules(t.db, jobOf([errorRule]), tenant, B(2));
      await runRules(t.db, jobOf([errorRule]), tenant, B(2));
      assert.deepEqual(await tableSnapshot(t.db, 'evidence_link', ['evidence_id']), before1);
    });
  });
}
