import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createApiServer, type ApiServer } from '../../../src/api/server.js';
import { configSchema } from '../../../src/config/schema.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { Tenant } from '../../../src/core/tenant.js';
import { edgeLogs, patternEdges, traceView, tracesByAttrs } from '../../../src/correlation/queries.js';
import { migrate } from '../../../src/db/migrate.js';
import { PgliteDb } from '../../../src/db/pglite-driver.js';
import type { Db } from '../../../src/db/types.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../../src/jobs/oo-logs.js';
import { JobRegistry } from '../../../src/jobs/registry.js';
import { silentLogger } from '../../../src/obs/logger.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { repoRoot } from '../../helpers/paths.js';
import { getEvidence } from '../../../src/db/queries/events.js';
import { jobOf, runRules } from '../rules/fixtures.js';
import { runWindow, seedTenants, tableSnapshot } from '../../helpers/job-harness.js';

const M = 60_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');
const WINDOWS = [0, 1].map((i) => ({ from: T0 + i * 5 * M, to: T0 + (i + 1) * 5 * M }));
const NOW = WINDOWS[1]!.to + 5 * M;
/** The demo's incident tenant (configs/demo.yaml, globex): orders-db slows down and fails. */
const INCIDENT = { kind: 'mock', seed: 7, incident: { dependency: 'orders-db', latency_factor: 8, error_rate: 0.3 } };
const CORRELATION = { correlation: { attributes: ['user_id'], log_samples: 8, edge_samples: 8 } };
const ORDERS = 'urn:k8s:svc:shop/orders';
const ORDERS_DB = 'urn:db:postgres:orders-db.data/orders';
const TOKEN = 'corr-token-0123456789abcdef';

async function fill(db: Db, tenant: Tenant): Promise<void> {
  const src = new MockSource(mockConfigSchema.parse(INCIDENT));
  for (const w of WINDOWS) {
    await runWindow(db, ooCallsJob(), tenant, w, src, {}, {}, CORRELATION);
    await runWindow(db, ooLogsJob(), tenant, w, src, {}, {}, CORRELATION);
  }
}

const range = { from: T0, to: WINDOWS[1]!.to };
const iso = (ms: number) => new Date(ms).toISOString();

for (const driver of drivers()) {
  describe(`${driver}: log ↔ trace correlation over the demo incident`, () => {
    let t: TestDb;
    let tenant: Tenant;
    let server: ApiServer;
    const clock = new ManualClock(NOW);
    before(async () => {
      t = await openTestDb(driver);
      tenant = (await seedTenants(t.db, ['globex']))[0]!;
      await fill(t.db, tenant!);
      const config = configSchema.parse({ tenants: [{ code: 'globex', source: INCIDENT }], ...CORRELATION });
      server = createApiServer({
        db: t.db,
        registry: JobRegistry.create([], config),
        clock,
        config,
        logger: silentLogger,
        metrics: createMetrics({ defaultMetrics: false }),
        token: TOKEN,
        attachMetrics: false,
      });
    });
    after(async () => {
      await server?.stop();
      await t?.close();
    });

    const get = async (url: string) => {
      const r = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: r.statusCode, json: r.json() as Record<string, unknown> };
    };

    it('samples are bounded per row and a re-run of a window gives the same samples', async () => {
      const perPattern = await t.db.query<{ n: number }>(
        `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM log_pattern_trace_5m GROUP BY bucket, resource_id, fingerprint_id) x`,
      );
      assert.ok(perPattern.rows[0]!.n <= 8 && perPattern.rows[0]!.n > 0);
      const perEdge = await t.db.query<{ failed: number; healthy: number }>(
        `SELECT max(f)::int AS failed, max(h)::int AS healthy FROM (
           SELECT count(*) FILTER (WHERE failed) AS f, count(*) FILTER (WHERE NOT failed) AS h
             FROM service_call_trace_5m GROUP BY bucket, src_resource_id, dst_resource_id) x`,
      );
      assert.ok(perEdge.rows[0]!.failed <= 8 && perEdge.rows[0]!.healthy <= 16);
      // Every sampled edge trace belongs to an edge row, and every pattern trace to a pattern row.
      const orphans = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM service_call_trace_5m s WHERE NOT EXISTS (SELECT 1 FROM service_call_5m c
           WHERE c.bucket = s.bucket AND c.tenant_id = s.tenant_id AND c.src_resource_id = s.src_resource_id
             AND c.dst_resource_id = s.dst_resource_id)`,
      );
      assert.equal(orphans.rows[0]!.n, 0);
      const before1 = await tableSnapshot(t.db, 'service_call_trace_5m');
      const src = new MockSource(mockConfigSchema.parse(INCIDENT));
      await runWindow(t.db, ooCallsJob(), tenant, WINDOWS[0]!, src, {}, {}, CORRELATION);
      await runWindow(t.db, ooLogsJob(), tenant, WINDOWS[0]!, src, {}, {}, CORRELATION);
      assert.equal(await tableSnapshot(t.db, 'service_call_trace_5m'), before1, 'edge samples: the same');
      // Pattern samples are replaced with their window's rows: the dictionary may have generalized a
      // pattern since (patterns/: renamed or merged), so compare them as rows of log_pattern_5m.
      const stray = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM log_pattern_trace_5m s WHERE NOT EXISTS (SELECT 1 FROM log_pattern_5m c
           WHERE c.bucket = s.bucket AND c.tenant_id = s.tenant_id AND c.resource_id = s.resource_id
             AND c.fingerprint_id = s.fingerprint_id)`,
      );
      assert.equal(stray.rows[0]!.n, 0, 'no sample of a row the re-run no longer writes');
      const capped = await t.db.query<{ n: number }>(
        `SELECT coalesce(max(n), 0)::int AS n FROM (SELECT count(*) AS n FROM log_pattern_trace_5m
           GROUP BY bucket, resource_id, fingerprint_id) x`,
      );
      assert.ok(capped.rows[0]!.n <= 8);
      const perTrace = await t.db.query<{ n: number }>(
        `SELECT count(DISTINCT trace_id)::int AS n FROM log_pattern_trace_5m WHERE bucket = $1`,
        [new Date(WINDOWS[0]!.from)],
      );
      assert.ok(perTrace.rows[0]!.n > 0);
    });

    it('edge → logs puts the incident’s error patterns first on orders → orders-db', async () => {
      const r = await edgeLogs(t.db, { tenantId: tenant.id, src: ORDERS, dst: ORDERS_DB, ...range, limit: 10 });
      assert.ok(r);
      assert.ok(r.failed_traces >= 8 && r.healthy_traces >= 8, `${r.failed_traces}/${r.healthy_traces}`);
      const top = r.patterns[0]!;
      assert.equal(top.severity, 'ERROR');
      assert.match(top.pattern, /^query to .* failed: timeout/);
      assert.equal(top.in_healthy, 0);
      assert.ok(top.in_failed >= r.failed_traces / 2, `${top.in_failed} of ${r.failed_traces}`);
      // every pattern ranked above the first non-error one is an error pattern; a healthy-only one is absent
      const firstOk = r.patterns.findIndex((p) => p.severity !== 'ERROR');
      assert.ok(
        firstOk === -1 || firstOk >= 2,
        `error patterns first: ${JSON.stringify(r.patterns.map((p) => p.pattern))}`,
      );
      assert.ok(r.patterns.every((p) => p.in_failed > 0));
      const api = await get(
        `/api/edges/logs?tenant=globex&src=${encodeURIComponent(ORDERS)}&dst=${encodeURIComponent(ORDERS_DB)}&to=${new Date(range.to).toISOString()}&since=10m`,
      );
      assert.equal(api.status, 200);
      assert.deepEqual(api.json.patterns, r.patterns);
      assert.equal(
        (await get(`/api/edges/logs?tenant=globex&src=urn%3Anope&dst=${encodeURIComponent(ORDERS_DB)}`)).status,
        404,
      );
    });

    it('a failed demo trace resolves end to end: edges, patterns and OO SQL on both streams', async () => {
      const pick = await t.db.query<{ trace_id: string }>(
        `SELECT s.trace_id FROM service_call_trace_5m s
           JOIN dim_resource d ON d.resource_id = s.dst_resource_id AND d.urn = $1
          WHERE s.failed AND EXISTS (SELECT 1 FROM log_pattern_trace_5m l WHERE l.trace_id = s.trace_id)
          ORDER BY s.trace_id LIMIT 1`,
        [ORDERS_DB],
      );
      const id = pick.rows[0]!.trace_id;
      const v = await traceView(t.db, { tenantId: tenant.id, traceId: id.toUpperCase() });
      assert.equal(v.found, true);
      assert.ok(v.edges.some((e) => e.src === ORDERS && e.dst === ORDERS_DB && e.failed));
      assert.ok(v.edges.length >= 2, 'the trace crossed more than the failing edge');
      assert.ok(v.patterns.some((p) => p.is_error && p.resource === ORDERS));
      // the mock's business attribute rides on every span of the trace
      const user = v.edges[0]!.attrs.user_id;
      assert.match(String(user), /^U\d{6}$/);
      assert.ok(v.edges.every((e) => e.attrs.user_id === user));
      assert.deepEqual(
        v.oo.map((o) => [o.dataset, o.sql]),
        [
          ['traces', `SELECT * FROM "traces" WHERE trace_id = '${id}' ORDER BY _timestamp`],
          ['logs', `SELECT * FROM "logs" WHERE trace_id = '${id}' ORDER BY _timestamp`],
        ],
      );
      assert.ok(v.oo.every((o) => o.start !== null && Date.parse(o.start) <= Date.parse(v.edges[0]!.bucket)));
      const api = await get(`/api/traces/${id}?tenant=globex`);
      assert.equal(api.status, 200);
      assert.deepEqual(api.json, { tenant: 'globex', ...v });

      // --attr: the user's traces include this one; a filter the trace does not carry hides it
      const hits = await tracesByAttrs(t.db, {
        tenantId: tenant.id,
        attrs: { user_id: String(user) },
        ...range,
        limit: 50,
      });
      assert.ok(hits.some((h) => h.trace_id === id));
      assert.ok(hits.every((h) => h.attrs.user_id === user));
      const listed = await get(`/api/traces?tenant=globex&attr=user_id%3D${String(user)}&since=1h`);
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.json.traces, hits);
      const filtered = await traceView(t.db, { tenantId: tenant.id, traceId: id, attrs: { user_id: 'U0' } });
      assert.equal(filtered.found, false);
      const unknown = await traceView(t.db, { tenantId: tenant.id, traceId: 'ffffffffffffffffffffffffffffffff' });
      assert.equal(unknown.found, false);
      assert.ok(
        unknown.oo.every((o) => o.sql !== null && o.start === null),
        'OO SQL even for an unsampled trace',
      );
    });

    it('pattern → edges: the incident error pattern’s traces crossed orders → orders-db, failed', async () => {
      const r = await edgeLogs(t.db, { tenantId: tenant.id, src: ORDERS, dst: ORDERS_DB, ...range, limit: 1 });
      const fp = r!.patterns[0]!.fingerprint;
      const p = await patternEdges(t.db, { tenantId: tenant.id, fingerprint: fp, ...range, limit: 20 });
      assert.ok(p);
      assert.ok(p.traces > 0);
      const e = p.edges.find((x) => x.src === ORDERS && x.dst === ORDERS_DB);
      assert.ok(e, JSON.stringify(p.edges));
      assert.equal(e.failed_traces, e.traces);
      assert.equal(p.edges[0]!.failed_traces, Math.max(...p.edges.map((x) => x.failed_traces)));
      const api = await get(`/api/patterns/${fp}/edges?tenant=globex&to=${new Date(range.to).toISOString()}&since=10m`);
      assert.equal(api.status, 200);
      assert.deepEqual(api.json.edges, p.edges);
      assert.equal((await get('/api/patterns/999/edges?tenant=globex')).status, 404);
    });

    it('the demo’s edge event links the edge’s trace-correlated patterns, the incident error first', async () => {
      // The rules of configs/demo.yaml over the incident tenant, in the window that evaluates bucket 1.
      const demo = parse(readFileSync(join(repoRoot, 'configs', 'demo.yaml'), 'utf8')) as { rules: unknown[] };
      await runRules(t.db, jobOf(demo.rules), tenant, WINDOWS[1]!.to);
      const ev = await t.db.query<{ event_id: string }>(
        `SELECT e.event_id::text AS event_id FROM event_envelope e JOIN dim_resource r ON r.resource_id = e.resource_id
          WHERE e.tenant_id = $1 AND e.rule_id = 'edge-error-rate' AND r.urn = $2`,
        [tenant.id, ORDERS_DB],
      );
      assert.equal(ev.rows.length, 1, 'the incident opens edge-error-rate on orders → orders-db');
      const evidence = (await getEvidence(t.db, {
        tenantId: tenant.id,
        eventId: ev.rows[0]!.event_id,
        limit: 1000,
        offset: 0,
      }))!.evidence;
      type Ref = { relation?: string; keys: { fingerprint: string; resource: string } };
      const tc = evidence.filter((x) => (x.ref_pg as Ref | null)?.relation === 'trace-correlated');
      const ranked = await edgeLogs(t.db, {
        tenantId: tenant.id,
        src: ORDERS,
        dst: ORDERS_DB,
        ...WINDOWS[1]!,
        limit: 5,
      });
      assert.ok(ranked && ranked.patterns.length > 0);
      assert.deepEqual(
        tc.map((x) => [(x.ref_pg as Ref).keys.resource, (x.ref_pg as Ref).keys.fingerprint]),
        ranked.patterns.map((p) => [p.resource, p.fingerprint]),
        'the top of the edge → logs ranking of the bucket',
      );
      assert.ok(tc.length <= 5);
      assert.equal(tc[0]!.dim, 'log');
      assert.match(tc[0]!.note!, /^trace-correlated .* failed: timeout/);
      assert.match(tc[0]!.locator!.query_hint!, /^SELECT \* FROM "logs"/, 'the pattern’s raw lines in OO');
      // Beside the same-bucket callee/caller links and the edge row, not instead of them.
      assert.ok(evidence.some((x) => x.dim === 'trace'));
      assert.ok(evidence.some((x) => x.dim === 'log' && (x.ref_pg as Ref).relation === undefined));
    });

    it('without `to`, a span before now that holds no sample ends at the newest sample; an explicit `to` stays', async () => {
      const user = (
        await t.db.query<{ user: string }>(
          `SELECT attrs->>'user_id' AS user FROM service_call_trace_5m WHERE failed ORDER BY trace_id LIMIT 1`,
        )
      ).rows[0]!.user;
      const fp = (await edgeLogs(t.db, { tenantId: tenant.id, src: ORDERS, dst: ORDERS_DB, ...range, limit: 1 }))!
        .patterns[0]!.fingerprint;
      const edge = `src=${encodeURIComponent(ORDERS)}&dst=${encodeURIComponent(ORDERS_DB)}`;
      // The newest sample bucket starts at T0 + 5m and ends at range.to; the default 1h then ends there.
      const newest = { from: range.to - 60 * M, to: range.to };
      clock.set(NOW + 3 * 24 * 60 * M);
      try {
        const el = await get(`/api/edges/logs?tenant=globex&${edge}`);
        assert.equal(el.status, 200);
        assert.deepEqual(
          [el.json.span_basis, el.json.from, el.json.to, el.json.newest_data],
          ['newest_data', iso(newest.from), iso(newest.to), iso(range.to)],
        );
        const direct = await edgeLogs(t.db, { tenantId: tenant.id, src: ORDERS, dst: ORDERS_DB, ...newest, limit: 10 });
        assert.ok(direct!.patterns.length > 0);
        assert.deepEqual(el.json.patterns, direct!.patterns);

        const tr = await get(`/api/traces?tenant=globex&attr=user_id%3D${user}`);
        assert.equal(tr.json.span_basis, 'newest_data');
        assert.ok((tr.json.traces as unknown[]).length > 0, 'the user’s traces, from the newest samples');
        const pe = await get(`/api/patterns/${fp}/edges?tenant=globex`);
        assert.equal(pe.json.span_basis, 'newest_data');
        assert.ok((pe.json.edges as unknown[]).length > 0);

        // An explicit range is read as asked, however empty; it still says where the samples end.
        const asked = await get(`/api/edges/logs?tenant=globex&${edge}&to=${iso(NOW + 60 * M)}&since=1h`);
        assert.deepEqual(
          [asked.json.span_basis, asked.json.to, asked.json.newest_data, asked.json.failed_traces, asked.json.patterns],
          ['at', iso(NOW + 60 * M), iso(range.to), 0, []],
        );
        const askedTraces = await get(`/api/traces?tenant=globex&attr=user_id%3D${user}&to=${iso(NOW + 60 * M)}`);
        assert.deepEqual([askedTraces.json.span_basis, askedTraces.json.traces], ['at', []]);
      } finally {
        clock.set(NOW);
      }
      // While now's span holds samples it is the span read.
      const fresh = await get(`/api/edges/logs?tenant=globex&${edge}`);
      assert.deepEqual([fresh.json.span_basis, fresh.json.to], ['now', iso(NOW)]);
    });

    it('bad input is a 400 naming the parameter', async () => {
      for (const [url, field] of [
        ['/api/traces/not%20an%20id?tenant=globex', 'id'],
        ['/api/traces?tenant=globex&attr=user_id', 'attr'],
        ['/api/traces?tenant=globex', 'attr'],
        ['/api/edges/logs?tenant=globex&src=a&dst=b&since=30d', 'since'],
      ] as const) {
        const r = await get(url);
        assert.equal(r.status, 400, url);
        assert.match(JSON.stringify(r.json), new RegExp(field), url);
      }
    });
  });
}

describe('observebridge query trace|edge-logs|pattern-edges (CLI over a PGlite directory)', () => {
  let dir: string;
  let trace: { trace_id: string; user: string };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ob-corr-'));
    const db = await PgliteDb.open(join(dir, 'db'));
    await migrate(db);
    const [tenant] = await seedTenants(db, ['globex']);
    await fill(db, tenant!);
    const r = await db.query<{ trace_id: string; user: string }>(
      `SELECT trace_id, attrs->>'user_id' AS user FROM service_call_trace_5m WHERE failed ORDER BY trace_id LIMIT 1`,
    );
    trace = r.rows[0]!;
    await db.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    try {
      const r = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'observebridge.js'), ...args], {
        env: { ...process.env, OBSERVEBRIDGE_LOG_LEVEL: 'silent' },
      });
      return { code: 0, out: r.stdout };
    } catch (e) {
      const x = e as { code?: number; stdout?: string };
      return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '' };
    }
  };

  it('edge-logs ranks the incident error first; trace --attr finds the traces; trace <id> prints the OO SQL', async () => {
    const db = ['--db', join(dir, 'db'), '--tenant', 'globex', '--at', new Date(range.to).toISOString()];
    const el = await run(['query', 'edge-logs', ORDERS, ORDERS_DB, ...db, '--json']);
    assert.equal(el.code, 0);
    const ranked = JSON.parse(el.out) as { patterns: { pattern: string; severity: string }[]; span_basis: string };
    assert.match(ranked.patterns[0]!.pattern, /^query to .* failed: timeout/);
    assert.equal(ranked.span_basis, 'at');
    const human = await run(['query', 'edge-logs', ORDERS, ORDERS_DB, ...db]);
    assert.match(
      human.out,
      /^span \S+ \.\. \S+ \(newest sampled traces ends \S+\)\nurn:k8s:svc:shop\/orders -> .*\nlift\s+in_failed\s+in_healthy\s+resource\s+pattern\n/,
    );

    const all = await run(['query', 'trace', '--attr', `user_id=${trace.user}`, ...db, '--json']);
    assert.equal(all.code, 0);
    const some = JSON.parse(all.out) as { traces: { trace_id: string }[]; sampled: boolean };
    assert.equal(some.sampled, true);
    assert.ok(some.traces.some((x) => x.trace_id === trace.trace_id));
    const one = await run(['query', 'trace', trace.trace_id, ...db]);
    assert.equal(one.code, 0);
    assert.match(one.out, new RegExp(`SELECT \\* FROM "traces" WHERE trace_id = '${trace.trace_id}'`));
    assert.match(one.out, new RegExp(`SELECT \\* FROM "logs" WHERE trace_id = '${trace.trace_id}'`));
    const pick = JSON.parse((await run(['query', 'pattern-edges', '999', ...db, '--json'])).out || '{}');
    assert.deepEqual(pick, {}, 'unknown pattern: nothing on stdout');
    assert.equal((await run(['query', 'pattern-edges', '999', ...db])).code, 1);
    assert.equal((await run(['query', 'trace', ...db])).code, 2, 'neither an id nor --attr');
    assert.equal((await run(['query', 'trace', 'abc', '--attr', 'nokey', ...db])).code, 2);
  });

  it('without --at, the samples (months before now) are found: the span ends at the newest sample and says so', async () => {
    // The fixture's samples are of 2026-06-10; the CLI's now is the wall clock, far later.
    const db = ['--db', join(dir, 'db'), '--tenant', 'globex'];
    const newest = new Date(range.to).toISOString();
    const el = JSON.parse((await run(['query', 'edge-logs', ORDERS, ORDERS_DB, ...db, '--json'])).out) as {
      span_basis: string;
      to: string;
      newest_data: string;
      patterns: { pattern: string }[];
    };
    assert.deepEqual([el.span_basis, el.to, el.newest_data], ['newest_data', newest, newest]);
    assert.match(el.patterns[0]!.pattern, /^query to .* failed: timeout/);
    const human = await run(['query', 'edge-logs', ORDERS, ORDERS_DB, ...db]);
    assert.equal(
      human.out.split('\n')[0],
      `span ${new Date(range.to - 60 * M).toISOString()} .. ${newest}: the 1h ending at the newest sampled traces (nothing in the 1h before now)`,
    );
    const hits = JSON.parse(
      (await run(['query', 'trace', '--attr', `user_id=${trace.user}`, ...db, '--json'])).out,
    ) as {
      span_basis: string;
      traces: { trace_id: string }[];
    };
    assert.equal(hits.span_basis, 'newest_data');
    assert.ok(hits.traces.some((x) => x.trace_id === trace.trace_id));
    // An explicit --at that misses the samples is read as asked, with a hint where they are.
    const miss = await run([
      'query',
      'trace',
      '--attr',
      `user_id=${trace.user}`,
      ...db,
      '--at',
      '2026-01-01T00:00:00Z',
    ]);
    assert.equal(miss.code, 0);
    assert.match(miss.out, new RegExp(`no sampled trace carries these attributes in the span; try --at ${newest}`));
  });
});
