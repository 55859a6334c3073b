import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../../../src/core/tenant.js';
import { parseRules, type Rule } from '../../../src/rules/config.js';
import { evaluateRules, rowRanges, type GroupEval } from '../../../src/rules/evaluate.js';
import { historyInSql, historyRules } from '../../../src/rules/store/baseline.js';
import { loadRows } from '../../../src/rules/store/read.js';
import { median } from '../../../src/rules/values.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { seedTenants } from '../../helpers/job-harness.js';
import { M, sketchOf } from './fixtures.js';

/** A 5-minute boundary: every rule below is evaluated in the window ending here. */
const T = Date.parse('2026-06-10T12:00:00Z');

const RULES = [
  {
    id: 'cpu-median',
    table: 'metric_1m',
    where: [{ field: 'metric', op: 'eq', value: 'cpu' }],
    group_by: ['resource', 'labels.core'],
    kind: 'baseline',
    value: { agg: 'max', field: 'max' },
    baseline: { windows: 5, min_history: 3 },
    when: { op: '>=', factor: 1.5 },
  },
  {
    // Several series per group: the sum of a point adds floats in read order, in SQL as in memory.
    id: 'ns-sum-mean',
    table: 'metric_1m',
    where: [{ field: 'metric', op: 'in', value: ['cpu', 'mem'] }],
    group_by: ['namespace'],
    kind: 'baseline',
    value: { agg: 'sum', field: 'sum' },
    baseline: { windows: 6, method: 'mean' },
    when: { op: '>=', factor: 1.1 },
  },
  {
    // Overlapping points (range 3m every 1m), nulls in avg, filters on names.
    id: 'avg-max',
    table: 'metric_1m',
    where: [
      { field: 'resource_name', op: 'starts_with', value: 'h' },
      { field: 'resource', op: 'not_ends_with', value: 'h2' },
    ],
    group_by: ['resource_name', 'metric'],
    kind: 'baseline',
    value: { agg: 'avg', field: 'avg' },
    range: '3m',
    baseline: { windows: 4, method: 'max' },
    when: { op: '>=', factor: 1.2 },
  },
  {
    id: 'count-offsets',
    table: 'metric_1m',
    where: [{ field: 'metric', op: 'ne', value: 'mem' }],
    kind: 'baseline',
    value: { agg: 'count' },
    baseline: { offsets: ['5m', '10m', '30m'] },
    when: { op: '>=', factor: 1 },
  },
  {
    id: 'edge-p95',
    table: 'service_call_5m',
    group_by: ['src', 'dst'],
    kind: 'baseline',
    value: { agg: 'p95' },
    baseline: { windows: 12, min_history: 6 },
    when: { op: '>=', factor: 1.3 },
  },
  {
    id: 'edge-ratio',
    table: 'service_call_5m',
    where: [{ field: 'src_type', op: 'eq', value: 'k8s_service' }],
    group_by: ['dst'],
    kind: 'baseline',
    value: { agg: 'ratio', num: 'errors', den: 'calls' },
    baseline: { windows: 4 },
    when: { op: '>=', factor: 2 },
  },
  {
    id: 'src-calls',
    table: 'service_call_5m',
    where: [{ field: 'dst_name', op: 'not_in', value: ['d9'] }],
    group_by: ['src_name'],
    kind: 'baseline',
    value: { agg: 'sum', field: 'rps' },
    baseline: { offsets: ['10m', '1h'] },
    when: { op: '>=', factor: 1.1 },
  },
];

for (const driver of drivers()) {
  describe(`rules: baseline history in SQL (${driver})`, () => {
    let t: TestDb;
    let tenant: Tenant;
    let rules: Rule[];
    /** cpu max of (h0, core 0) per minute bucket, as inserted. */
    const h0core0 = new Map<number, number>();

    before(async () => {
      t = await openTestDb(driver);
      tenant = (await seedTenants(t.db, ['base']))[0]!;
      const set = parseRules(RULES);
      assert.deepEqual(set.problems, []);
      rules = set.rules;
      const res: unknown[][] = [];
      for (let i = 0; i < 4; i++)
        res.push([tenant.id, `urn:host:h${i}`, 'host', `h${i}`, i < 3 ? '{"k8s.namespace.name":"ops"}' : '{}']);
      for (let i = 0; i < 4; i++) res.push([tenant.id, `urn:k8s:svc:shop/s${i}`, 'k8s_service', `s${i}`, '{}']);
      for (let i = 0; i < 3; i++)
        res.push([tenant.id, `urn:db:d${i}`, 'database', `d${i}`, '{"service.namespace":"db"}']);
      await t.db.copyRows('dim_resource', ['tenant_id', 'urn', 'type', 'name', 'labels'], res);
      const ids = new Map(
        (
          await t.db.query<{ resource_id: unknown; name: string }>(
            'SELECT resource_id, name FROM dim_resource WHERE tenant_id = $1',
            [tenant.id],
          )
        ).rows.map((r) => [r.name, Number(r.resource_id)]),
      );
      const rnd = seededRandom(41);
      const metrics: unknown[][] = [];
      // 70 one-minute buckets; about one row in six is missing, so history points vary per group.
      for (let b = 1; b <= 70; b++) {
        const bucket = T - b * M;
        for (let h = 0; h < 4; h++) {
          for (const metric of ['cpu', 'mem']) {
            for (const core of ['0', '1', 2] as const) {
              if (rnd() < 0.17) continue;
              const v = rnd() * 10;
              if (h === 0 && metric === 'cpu' && core === '0') h0core0.set(bucket, v);
              metrics.push([
                new Date(bucket),
                tenant.id,
                ids.get(`h${h}`),
                metric,
                rnd() < 0.1 ? null : v / 3,
                v,
                v,
                JSON.stringify({ core }),
                v / 7,
                1 + Math.floor(rnd() * 5),
                v * 1.37,
              ]);
            }
          }
        }
      }
      await t.db.copyRows(
        'metric_1m',
        [
          'bucket',
          'tenant_id',
          'resource_id',
          'metric',
          'avg_val',
          'max_val',
          'p95_val',
          'labels',
          'min_val',
          'count',
          'sum_val',
        ],
        metrics,
      );
      const calls: unknown[][] = [];
      for (let b = 1; b <= 14; b++) {
        for (let s = 0; s < 4; s++) {
          for (let d = 0; d < 3; d++) {
            if (rnd() < 0.2) continue;
            const n = 10 + Math.floor(rnd() * 90);
            const sk = sketchOf(n, 5 + rnd() * 50);
            const errors = Math.floor(rnd() * n * 0.3);
            calls.push([
              new Date(T - b * 5 * M),
              tenant.id,
              ids.get(`s${s}`),
              ids.get(`d${d}`),
              n / 300,
              errors / n,
              sk.quantile(0.5),
              sk.quantile(0.95),
              n,
              errors,
              // History buckets are read without sketches by the in-memory path too (keyed baseline).
              sk.toBytes(),
            ]);
          }
        }
      }
      await t.db.copyRows(
        'service_call_5m',
        [
          'bucket',
          'tenant_id',
          'src_resource_id',
          'dst_resource_id',
          'rps',
          'err_rate',
          'p50_ms',
          'p95_ms',
          'calls',
          'errors',
          'latency_sketch',
        ],
        calls,
      );
    });
    after(() => t.close());

    it('every rule here is pushed down, and the SQL baselines equal those computed over the history rows', async () => {
      for (const r of rules) assert.ok(historyInSql(r), `${r.id} is computed in SQL`);
      const w = { from: T - M, to: T };
      const inDb = historyRules(rules, w);
      assert.equal(inDb.size, rules.length);
      const mem = await loadRows(t.db, tenant.id, rules, rowRanges(rules, w), w.to);
      const pushed = await loadRows(t.db, tenant.id, rules, rowRanges(rules, w, inDb), w.to, inDb);
      // The pushed-down read holds only the current spans.
      assert.ok(pushed.read.metric_1m! < mem.read.metric_1m! / 2, JSON.stringify([pushed.read, mem.read]));
      assert.ok(pushed.read.service_call_5m! < mem.read.service_call_5m! / 5);
      const a = evaluateRules(rules, w, mem.source);
      const b = evaluateRules(rules, w, pushed.source);
      let compared = 0;
      let withHistory = 0;
      for (const [i, ev] of a.entries()) {
        assert.equal(ev.error, undefined);
        const other = b[i]!;
        assert.deepEqual([...other.groups.keys()].sort(), [...ev.groups.keys()].sort(), ev.rule.id);
        assert.ok(ev.groups.size > 0, `${ev.rule.id} has groups`);
        for (const [key, g] of ev.groups) {
          const h = other.groups.get(key)!;
          const pick = (x: GroupEval) => [x.value, x.firing, x.detail.baseline, x.detail.history, x.detail.ratio];
          // Exact: same floats, not approximately.
          assert.deepEqual(pick(h), pick(g), `${ev.rule.id} ${key}`);
          compared++;
          if (typeof g.detail.history === 'number' && g.detail.history > 0) withHistory++;
        }
      }
      assert.ok(withHistory >= compared / 2, `${withHistory}/${compared} groups have history`);
      // Some firing and some quiet groups, so the comparison covers both decisions.
      const firing = b.flatMap((ev) => [...ev.groups.values()].filter((g) => g.firing)).length;
      assert.ok(firing > 0 && firing < compared, `${firing} of ${compared} fire`);
    });

    it('pins one group by hand: the median of the max of the 5 previous minutes of h0/core 0', async () => {
      const w = { from: T - M, to: T };
      const inDb = historyRules(rules, w);
      const { source } = await loadRows(t.db, tenant.id, rules, rowRanges(rules, w, inDb), w.to, inDb);
      const ev = evaluateRules(rules, w, source).find((e) => e.rule.id === 'cpu-median')!;
      const points = [2, 3, 4, 5, 6].map((k) => h0core0.get(T - k * M)).filter((v): v is number => v !== undefined);
      const g = ev.groups.get(JSON.stringify(['urn:host:h0', '0']));
      if (!h0core0.has(T - M)) {
        assert.equal(g, undefined);
        return;
      }
      assert.ok(points.length > 0);
      assert.equal(g!.detail.history, points.length);
      assert.equal(g!.detail.baseline, median(points));
      assert.equal(g!.value, h0core0.get(T - M));
    });

    it('rules the SQL cannot match exactly keep reading their history rows', () => {
      const set = parseRules([
        { ...RULES[0], id: 'by-label', where: [{ field: 'labels.core', op: 'eq', value: '0' }] },
        { ...RULES[0], id: 'distinct', value: { agg: 'distinct', field: 'resource' } },
        { ...RULES[4], id: 'p95-span', range: '10m' },
        { ...RULES[0], id: 'by-value', group_by: ['max'] },
      ]);
      assert.deepEqual(set.problems, []);
      for (const r of set.rules) assert.equal(historyInSql(r), false, r.id);
    });
  });
}
