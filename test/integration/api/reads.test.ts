import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { QuantileSketch } from '../../../src/agg/sketch.js';
import { graphImpact, graphShow } from '../../../src/db/graph/queries.js';
import { ageRefreshJob } from '../../../src/jobs/age-refresh.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { drivers } from '../../helpers/db.js';
import { repoRoot } from '../../helpers/paths.js';
import { enqueue, getJson, iso, M, NOW, openApiHarness, type ApiHarness } from './harness.js';

const execFileP = promisify(execFile);

/**
 * Runs the CLI in a child process (the test runner owns this process's stdout); returns its exit code
 * and what it printed on stdout.
 */
async function runCli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await execFileP(process.execPath, [join(repoRoot, 'bin', 'observebridge.js'), ...args], {
      env: { ...process.env, OBSERVEBRIDGE_LOG_LEVEL: 'silent' },
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const x = e as { code?: number; stdout?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '' };
  }
}

const EV_A = '11111111-1111-4111-8111-111111111111';
const EV_B = '22222222-2222-4222-8222-222222222222';
const T1 = Date.parse('2026-06-01T00:00:00Z');
const T2 = Date.parse('2026-06-05T00:00:00Z');

interface Fixture {
  acme: number;
  globex: number;
  service: string;
}

/** Real call data (oo-calls over the mock source, both tenants), then events, evidence and topology rows. */
async function buildFixture(h: ApiHarness): Promise<Fixture> {
  const [acme, globex] = [h.tenants[0]!.id, h.tenants[1]!.id];
  for (const tenant of ['acme', 'globex']) {
    const r = await enqueue(h, { job: 'oo-calls', tenant, from: iso(NOW - 40 * M), to: iso(NOW - 5 * M) });
    assert.equal(r.status, 202);
    // The active graph at NOW − 5m (runs once the oo-calls windows it reads have succeeded).
    const g = await enqueue(h, { job: 'age-refresh', tenant, from: iso(NOW - 10 * M), to: iso(NOW - 5 * M) });
    assert.equal(g.status, 202);
  }
  await h.drain();
  // globex's calls all fail: a leak between tenants would show in the figures.
  await h.db.query('UPDATE service_call_5m SET errors = calls WHERE tenant_id = $1', [globex]);
  const svc = await h.db.query<{ urn: string }>(
    `SELECT s.urn FROM service_call_5m c JOIN dim_resource s ON s.resource_id = c.src_resource_id
     WHERE c.tenant_id = $1 GROUP BY s.urn ORDER BY count(DISTINCT c.dst_resource_id) DESC, s.urn LIMIT 1`,
    [acme],
  );
  const service = svc.rows[0]!.urn;
  const res = async (tenant: number, urn: string) =>
    (
      await h.db.query<{ resource_id: number }>(
        'SELECT resource_id FROM dim_resource WHERE tenant_id = $1 AND urn = $2',
        [tenant, urn],
      )
    ).rows[0]!.resource_id;
  const loc = async (tenant: number) =>
    (await h.db.query<{ id: number }>('SELECT id FROM oo_locator WHERE tenant_id = $1 ORDER BY id LIMIT 1', [tenant]))
      .rows[0]!.id;
  await h.db.query(
    `INSERT INTO event_envelope(event_id, detected_at, tenant_id, resource_id, severity, kind, title, summary, labels)
     VALUES ($1, $2, $3, $4, 'ERROR', 'anomaly', 'p95 up', 'latency of checkout rose', '{"team":"shop"}'),
            ($5, $2, $6, $7, 'WARN', 'slo_violation', 'globex only', NULL, '{}')`,
    [EV_A, iso(NOW - 10 * M), acme, await res(acme, service), EV_B, globex, await res(globex, service)],
  );
  await h.db.query(
    `INSERT INTO evidence_link(event_id, dim, ref_pg, ref_oo, note) VALUES
       ($1, 'trace', '{"table":"service_call_5m","keys":{"bucket":"x"}}', $2, 'sample traces'),
       ($1, 'metric', '{"table":"metric_1m","keys":{"metric":"cpu"}}', NULL, NULL),
       ($1, 'log', NULL, $3, 'points at another tenant''s locator: never joined'),
       ($4, 'trace', NULL, $3, 'globex evidence')`,
    [EV_A, await loc(acme), await loc(globex), EV_B],
  );
  // Topology: resources of both tenants, edges valid over different ranges.
  const ids: Record<string, number> = {};
  for (const [tenant, urn] of [
    [acme, 'urn:host:a1'],
    [acme, 'urn:host:a2'],
    [acme, 'urn:host:a3'],
    [globex, 'urn:host:a1'],
    [globex, 'urn:host:g2'],
  ] as const) {
    const r = await h.db.query<{ resource_id: number }>(
      `INSERT INTO dim_resource(tenant_id, urn, type, name) VALUES ($1, $2, 'host', $2) RETURNING resource_id`,
      [tenant, urn],
    );
    ids[`${tenant}:${urn}`] = r.rows[0]!.resource_id;
  }
  const edge = (
    tenant: number,
    s: string,
    d: string,
    rel: string,
    from: number,
    to: number | null,
    origin = 'terraform',
  ) =>
    h.db.query(
      `INSERT INTO topo_edge_time(tenant_id, src_resource_id, dst_resource_id, relation, valid, origin, props)
       VALUES ($1, $2, $3, $4, tstzrange($5::timestamptz, $6::timestamptz, '[)'), $7, '{"port":5432}')`,
      [tenant, ids[`${tenant}:${s}`]!, ids[`${tenant}:${d}`]!, rel, iso(from), to === null ? null : iso(to), origin],
    );
  await edge(acme, 'urn:host:a1', 'urn:host:a2', 'CONNECTS_TO', T1, T2); // closed
  await edge(acme, 'urn:host:a1', 'urn:host:a2', 'CONNECTS_TO', T2, null); // reopened
  await edge(acme, 'urn:host:a1', 'urn:host:a3', 'DEPENDS_ON', T1, null);
  await edge(acme, 'urn:host:a1', 'urn:host:a3', 'DEPENDS_ON', T1, null, 'ansible');
  await edge(acme, 'urn:host:a2', 'urn:host:a3', 'RUNS_ON', T2 + 3600_000, null);
  await edge(globex, 'urn:host:a1', 'urn:host:g2', 'CONNECTS_TO', T1, null);
  return { acme, globex, service };
}

for (const driver of drivers()) {
  describe(`${driver}: read API`, () => {
    let h: ApiHarness;
    let f: Fixture;
    before(async () => {
      h = await openApiHarness(driver, { jobs: () => [ooCallsJob(), ageRefreshJob()] });
      f = await buildFixture(h);
    });
    after(() => h.close());

    it('GET /api/services/{urn}/dependencies equals typical query 1 computed directly', async () => {
      const direct = await h.db.query<{
        dst: string;
        calls: number;
        errors: number;
        sketches: Uint8Array[];
        p95s: number[];
      }>(
        `SELECT d.urn AS dst, sum(c.calls)::bigint AS calls, sum(c.errors)::bigint AS errors,
                array_agg(c.latency_sketch) AS sketches, array_agg(c.p95_ms) AS p95s
         FROM service_call_5m c
         JOIN dim_resource s ON s.resource_id = c.src_resource_id
         JOIN dim_resource d ON d.resource_id = c.dst_resource_id
         WHERE s.urn = $1 AND c.tenant_id = $2 AND c.bucket >= $3 AND c.bucket < $4
         GROUP BY d.urn`,
        [f.service, f.acme, iso(NOW - 30 * M), iso(NOW)],
      );
      const expected = direct.rows
        .map((r) => {
          const sk = new QuantileSketch();
          for (const b of r.sketches) sk.merge(QuantileSketch.fromBytes(b));
          return {
            dst: r.dst,
            calls: r.calls,
            errors: r.errors,
            err_rate: r.errors / r.calls,
            p95_ms: sk.quantile(0.95),
            p95s: r.p95s,
          };
        })
        .sort((a, b) => b.p95_ms - a.p95_ms || b.err_rate - a.err_rate || (a.dst < b.dst ? -1 : 1));
      assert.ok(expected.length >= 2, `fixture has several dependencies (${expected.length})`);

      const url = `/api/services/${encodeURIComponent(f.service)}/dependencies?tenant=acme&since=30m&limit=50`;
      const r = await getJson(h, url);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const got = r.json.dependencies as {
        dst: string;
        calls: number;
        errors: number;
        err_rate: number;
        p95_ms: number;
        p95_source: string;
        rps: number;
      }[];
      assert.deepEqual(
        got.map((d) => [d.dst, d.calls, d.errors, d.err_rate, d.p95_ms, d.p95_source]),
        expected.map((e) => [e.dst, e.calls, e.errors, e.err_rate, e.p95_ms, 'sketch']),
      );
      for (const [i, e] of expected.entries()) {
        // Not an average of the buckets' p95s (what the seed's query returns), but near them.
        const lo = Math.min(...e.p95s);
        const hi = Math.max(...e.p95s);
        assert.ok(got[i]!.p95_ms >= lo * 0.5 && got[i]!.p95_ms <= hi * 2, `${got[i]!.p95_ms} vs [${lo}, ${hi}]`);
        assert.equal(got[i]!.rps, e.calls / 1800);
      }
      assert.ok(
        got.every((d) => d.err_rate < 1),
        'none of globex’s all-failing rows leaked in',
      );
      // The default is the seed's: 30 minutes, top 5.
      const dflt = await getJson(h, `/api/services/${encodeURIComponent(f.service)}/dependencies?tenant=acme`);
      assert.deepEqual(
        (dflt.json.dependencies as { dst: string }[]).map((d) => d.dst),
        expected.slice(0, 5).map((e) => e.dst),
      );
      // Another tenant sees its own rows only (all failing there).
      const g = await getJson(h, `/api/services/${encodeURIComponent(f.service)}/dependencies?tenant=globex&limit=50`);
      assert.ok((g.json.dependencies as { err_rate: number }[]).every((d) => d.err_rate === 1));
      // A shorter span reads fewer buckets.
      const short = await getJson(
        h,
        `/api/services/${encodeURIComponent(f.service)}/dependencies?tenant=acme&since=10m&limit=50`,
      );
      const sum = (x: unknown) => (x as { calls: number }[]).reduce((a, d) => a + d.calls, 0);
      assert.ok(sum(short.json.dependencies) < sum(r.json.dependencies));
      // Unknown service: empty list, not an error; bad parameters: 400.
      assert.deepEqual((await getJson(h, '/api/services/urn%3Anope/dependencies?tenant=acme')).json.dependencies, []);
      for (const q of ['since=0m', 'since=25h', 'since=soon', 'limit=0', 'limit=101', 'limit=-1', 'extra=1']) {
        const bad = await getJson(h, `/api/services/${encodeURIComponent(f.service)}/dependencies?tenant=acme&${q}`);
        assert.equal(bad.status, 400, q);
        assert.match(String(bad.json.field), /^query\./);
      }
      assert.equal((await getJson(h, `/api/services/x/dependencies`)).json.field, 'query.tenant');
      assert.equal((await getJson(h, `/api/services/x/dependencies?tenant=initech`)).status, 404);
    });

    it('GET /api/events/{id}/evidence equals typical query 2 computed directly; tenant-scoped', async () => {
      const direct = await h.db.query<{
        dim: string;
        ref_pg: unknown;
        bucket: string | null;
        object_key: string | null;
        query_hint: string | null;
        urn: string;
        title: string;
      }>(
        `SELECT e.event_id, e.title, e.detected_at, r.urn, ev.dim, ev.ref_pg, ol.bucket, ol.object_key, ol.query_hint
         FROM event_envelope e
         JOIN dim_resource r ON r.resource_id = e.resource_id
         LEFT JOIN evidence_link ev ON ev.event_id = e.event_id
         LEFT JOIN oo_locator ol ON ol.id = ev.ref_oo AND ol.tenant_id = e.tenant_id
         WHERE e.event_id = $1 AND e.tenant_id = $2
         ORDER BY ev.evidence_id`,
        [EV_A, f.acme],
      );
      const r = await getJson(h, `/api/events/${EV_A}/evidence?tenant=acme`);
      assert.equal(r.status, 200);
      const ev = r.json.event as { event_id: string; title: string; resource: { urn: string }; severity: string };
      assert.equal(ev.event_id, EV_A);
      assert.equal(ev.title, direct.rows[0]!.title);
      assert.equal(ev.resource.urn, direct.rows[0]!.urn);
      assert.equal(ev.severity, 'ERROR');
      const links = r.json.evidence as {
        dim: string;
        ref_pg: unknown;
        locator: { bucket: string; object_key: string; query_hint: string | null } | null;
      }[];
      assert.deepEqual(
        links.map((l) => [
          l.dim,
          l.ref_pg,
          l.locator?.bucket ?? null,
          l.locator?.object_key ?? null,
          l.locator?.query_hint ?? null,
        ]),
        direct.rows.map((d) => [d.dim, d.ref_pg, d.bucket, d.object_key, d.query_hint]),
      );
      assert.equal(links[2]!.locator, null, "another tenant's locator is never joined");
      assert.ok(links[0]!.locator !== null);
      // paging
      const p1 = await getJson(h, `/api/events/${EV_A}/evidence?tenant=acme&limit=2`);
      assert.equal((p1.json.evidence as unknown[]).length, 2);
      assert.equal(p1.json.next_offset, 2);
      const p2 = await getJson(h, `/api/events/${EV_A}/evidence?tenant=acme&limit=2&offset=2`);
      assert.deepEqual([...(p1.json.evidence as unknown[]), ...(p2.json.evidence as unknown[])], links);
      // isolation: globex's event is not acme's, and the other way round
      assert.equal((await getJson(h, `/api/events/${EV_B}/evidence?tenant=acme`)).status, 404);
      assert.equal((await getJson(h, `/api/events/${EV_A}/evidence?tenant=globex`)).status, 404);
      assert.equal((await getJson(h, `/api/events/${EV_B}/evidence?tenant=globex`)).status, 200);
      const bad = await getJson(h, `/api/events/not-a-uuid'%3B--/evidence?tenant=acme`);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.field, 'params.id');
    });

    it('GET /api/topology?at= equals typical query 3 computed directly, page by page; tenant-scoped', async () => {
      const direct = async (tenant: number, at: number) =>
        (
          await h.db.query<{ src: string; dst: string; relation: string; origin: string }>(
            `SELECT s.urn AS src, d.urn AS dst, t.relation, t.origin
             FROM topo_edge_time t
             JOIN dim_resource s ON s.resource_id = t.src_resource_id
             JOIN dim_resource d ON d.resource_id = t.dst_resource_id
             WHERE t.tenant_id = $1 AND t.valid @> $2::timestamptz
             ORDER BY 1, 2, 3, 4`,
            [tenant, iso(at)],
          )
        ).rows.map((x) => [x.src, x.dst, x.relation, x.origin]);
      for (const at of [T1 - 1, T1, T2 - 1, T2, T2 + 3600_000, NOW]) {
        const r = await getJson(h, `/api/topology?tenant=acme&at=${iso(at)}`);
        assert.equal(r.status, 200);
        const edges = r.json.edges as { src: string; dst: string; relation: string; origin: string }[];
        assert.deepEqual(
          edges.map((e) => [e.src, e.dst, e.relation, e.origin]),
          await direct(f.acme, at),
          iso(at),
        );
      }
      assert.equal((await direct(f.acme, T2 - 1)).length, 3);
      // closed edge reports its end; open edge has none
      const before = (await getJson(h, `/api/topology?tenant=acme&at=${iso(T2 - 1)}`)).json.edges as {
        relation: string;
        valid_to: string | null;
        origin: string;
      }[];
      assert.equal(before.find((e) => e.relation === 'CONNECTS_TO')!.valid_to, iso(T2));
      assert.equal(before.find((e) => e.relation === 'DEPENDS_ON')!.valid_to, null);
      // pages of 1 add up to the whole
      const all: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/api/topology?tenant=acme&at=${iso(NOW)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await getJson(h, q);
        all.push(...(r.json.edges as unknown[]));
        cursor = r.json.next as string | null;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(all.length, (await direct(f.acme, NOW)).length);
      assert.deepEqual(all, (await getJson(h, `/api/topology?tenant=acme&at=${iso(NOW)}`)).json.edges);
      // globex sees its single edge only
      const g = (await getJson(h, `/api/topology?tenant=globex&at=${iso(NOW)}`)).json.edges as { dst: string }[];
      assert.deepEqual(
        g.map((e) => e.dst),
        ['urn:host:g2'],
      );
      assert.equal((await getJson(h, `/api/topology?tenant=acme&at=yesterday`)).status, 400);
      assert.equal((await getJson(h, `/api/topology?tenant=acme&cursor=!!`)).json.field, 'cursor');
    });

    it('GET /api/runs lists the tenant’s runs, filtered and paginated, as the table holds them', async () => {
      const direct = async (tenant: number, job: string | null, status: string | null) =>
        (
          await h.db.query<{ run_id: number }>(
            `SELECT run_id FROM etl_job_run WHERE tenant_id = $1 AND ($2::text IS NULL OR job = $2) AND ($3::text IS NULL OR status = $3)
             ORDER BY window_from DESC, run_id DESC`,
            [tenant, job, status],
          )
        ).rows.map((x) => x.run_id);
      const full = await getJson(h, '/api/runs?tenant=acme&limit=1000');
      assert.deepEqual(
        (full.json.runs as { run_id: number }[]).map((r) => r.run_id),
        await direct(f.acme, null, null),
      );
      const calls = await getJson(h, '/api/runs?tenant=acme&job=oo-calls&status=success');
      assert.deepEqual(
        (calls.json.runs as { run_id: number }[]).map((r) => r.run_id),
        await direct(f.acme, 'oo-calls', 'success'),
      );
      assert.ok((calls.json.runs as unknown[]).length >= 7);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const r = await getJson(h, `/api/runs?tenant=acme&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        ids.push(...(r.json.runs as { run_id: number }[]).map((x) => x.run_id));
        cursor = r.json.next as string | null;
      } while (cursor);
      assert.deepEqual(ids, await direct(f.acme, null, null));
      // from/to select overlapping windows
      const ranged = await getJson(
        h,
        `/api/runs?tenant=acme&job=oo-calls&from=${iso(NOW - 20 * M)}&to=${iso(NOW - 10 * M)}`,
      );
      assert.deepEqual(
        (ranged.json.runs as { window_from: string }[]).map((r) => r.window_from),
        [iso(NOW - 15 * M), iso(NOW - 20 * M)],
      );
      const other = (await getJson(h, '/api/runs?tenant=globex&limit=1000')).json.runs as { run_id: number }[];
      assert.deepEqual(
        other.map((r) => r.run_id),
        await direct(f.globex, null, null),
      );
      assert.equal(new Set([...ids, ...other.map((r) => r.run_id)]).size, ids.length + other.length);
      assert.equal((await getJson(h, '/api/runs?tenant=acme&status=exploded')).status, 400);
      assert.equal((await getJson(h, '/api/runs?tenant=acme&limit=5000')).status, 400);
      assert.equal((await getJson(h, '/api/runs?tenant=acme&job=a&job=b')).status, 400);
    });

    it('GET /api/graph and /api/graph/impact return the graph module’s answers, per tenant', async () => {
      const g = await getJson(h, '/api/graph?tenant=acme');
      assert.equal(g.status, 200);
      const direct = await graphShow(h.db, { tenant: 'acme' });
      assert.deepEqual(g.json, JSON.parse(JSON.stringify(direct)));
      assert.ok(direct.edges.length > 0, 'age-refresh ran after oo-calls');
      const gg = await getJson(h, '/api/graph?tenant=globex');
      assert.ok((gg.json.edges as { err_rate: number }[]).length > 0);
      const imp = await getJson(
        h,
        `/api/graph/impact?tenant=acme&urn=${encodeURIComponent(f.service)}&hops=2&direction=down`,
      );
      assert.equal(imp.status, 200);
      assert.deepEqual(
        imp.json,
        JSON.parse(
          JSON.stringify(await graphImpact(h.db, { tenant: 'acme', urn: f.service, hops: 2, direction: 'down' })),
        ),
      );
      assert.equal((await getJson(h, `/api/graph/impact?tenant=acme&urn=urn%3Anope`)).status, 404);
      assert.equal((await getJson(h, `/api/graph/impact?tenant=acme&urn=x&hops=11`)).status, 400);
      assert.equal((await getJson(h, `/api/graph?tenant=initech`)).status, 404);
    });

    it('/openapi.json describes every route with its parameters', async () => {
      const r = await getJson(h, '/openapi.json');
      assert.equal(r.status, 200);
      const paths = r.json.paths as Record<
        string,
        Record<string, { parameters: { name: string; in: string; required: boolean }[]; security?: unknown }>
      >;
      assert.deepEqual(Object.keys(paths).sort(), [
        '/adapter/exec',
        '/api/discovery/carriers',
        '/api/discovery/cooccurring',
        '/api/discovery/keys',
        '/api/discovery/names',
        '/api/discovery/namespaces',
        '/api/edges/logs',
        '/api/events',
        '/api/events/{id}',
        '/api/events/{id}/ack',
        '/api/events/{id}/evidence',
        '/api/graph',
        '/api/graph/impact',
        '/api/kb/search',
        '/api/patterns/{fingerprint}/edges',
        '/api/rules/reload',
        '/api/runs',
        '/api/services/{urn}/dependencies',
        '/api/status',
        '/api/topology',
        '/api/traces',
        '/api/traces/{id}',
        '/case/create',
        '/case/from-event',
        '/case/{id}',
        '/case/{id}/timeline',
        '/case/{id}/transition',
        '/cases',
        '/events/enqueue',
        '/gate/eval',
        '/healthz',
        '/metrics',
        '/plan/generate',
        '/readyz',
        '/verify/run',
      ]);
      const deps = paths['/api/services/{urn}/dependencies']!.get!;
      assert.deepEqual(
        deps.parameters.map((p) => [p.name, p.in, p.required]),
        [
          ['urn', 'path', true],
          ['tenant', 'query', true],
          ['since', 'query', false],
          ['at', 'query', false],
          ['limit', 'query', false],
        ],
      );
      assert.ok(paths['/events/enqueue']!.post!.security);
    });

    it('observebridge query deps|evidence|topo --json print what the read API returns', async (t) => {
      if (driver !== 'postgres' || !h.t.schema) {
        t.skip('the CLI opens its own database: tested on the server, where it can share the test schema');
        return;
      }
      const db = `${process.env.DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${h.t.schema},public`)}`;
      const svc = encodeURIComponent(f.service);
      const deps = await runCli([
        'query',
        'deps',
        f.service,
        '--tenant',
        'acme',
        '--at',
        iso(NOW),
        '--limit',
        '50',
        '--db',
        db,
        '--json',
      ]);
      assert.equal(deps.code, 0);
      // The same report, but the CLI's span end was asked for (--at) and the API's is its now.
      const cliDeps = JSON.parse(deps.out) as Record<string, unknown>;
      const apiDeps = (await getJson(h, `/api/services/${svc}/dependencies?tenant=acme&limit=50`)).json;
      assert.equal(cliDeps.span_basis, 'at');
      assert.equal(apiDeps.span_basis, 'now');
      assert.deepEqual({ ...cliDeps, span_basis: 'now' }, apiDeps);
      const ev = await runCli(['query', 'evidence', EV_A, '--tenant', 'acme', '--db', db, '--json']);
      assert.equal(ev.code, 0);
      const api = (await getJson(h, `/api/events/${EV_A}/evidence?tenant=acme`)).json;
      assert.deepEqual(JSON.parse(ev.out), { tenant: api.tenant, event: api.event, evidence: api.evidence });
      const topo = await runCli(['query', 'topo', '--tenant', 'acme', '--at', iso(T2 - 1), '--db', db, '--json']);
      assert.equal(topo.code, 0);
      const apiTopo = (await getJson(h, `/api/topology?tenant=acme&at=${iso(T2 - 1)}`)).json;
      assert.deepEqual(JSON.parse(topo.out), { tenant: 'acme', at: apiTopo.at, edges: apiTopo.edges });
      const human = await runCli(['query', 'topo', '--tenant', 'acme', '--at', iso(T2 - 1), '--db', db]);
      assert.match(human.out, /^src\s+dst\s+relation\s+origin\s+since\n/);
      assert.equal(human.out.trim().split('\n').length, 4);
      assert.equal(
        (await runCli(['query', 'evidence', EV_B, '--tenant', 'acme', '--db', db])).code,
        1,
        "globex's event",
      );
      assert.equal((await runCli(['query', 'topo', '--tenant', 'initech', '--db', db])).code, 2);
    });

    it('query argument errors exit 2 before touching a database', async () => {
      for (const args of [
        ['deps', 'urn:x', '--tenant', 'acme', '--since', 'soon'],
        ['deps', 'urn:x', '--tenant', 'acme', '--limit', '0'],
        ['deps', 'urn:x', '--tenant', 'acme', '--at', 'yesterday'],
        ['evidence', 'not-a-uuid', '--tenant', 'acme'],
        ['topo', '--at', '2026-01-01T00:00:00'],
      ]) {
        const r = await runCli(['query', ...args, '--db', 'postgres://nobody@127.0.0.1:1/none']);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.out, '');
      }
    });

    it('reads need the token like writes; probes and /metrics do not', async () => {
      for (const url of [
        '/api/runs?tenant=acme',
        '/api/topology?tenant=acme',
        `/api/services/${encodeURIComponent('urn:k8s:svc:shop/checkout')}/dependencies?tenant=acme`,
        '/api/graph?tenant=acme',
      ]) {
        assert.equal((await getJson(h, url, null)).status, 401, url);
        assert.equal((await getJson(h, url, 'wrong-token-0123456789')).status, 401, url);
        assert.notEqual((await getJson(h, url)).status, 401, url);
      }
      assert.equal((await getJson(h, '/healthz', null)).status, 200);
      const metrics = await h.server.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
    });

    it('healthz and readyz', async () => {
      assert.deepEqual((await getJson(h, '/healthz', null)).json, { status: 'ok' });
      const ready = await getJson(h, '/readyz', null);
      assert.equal(ready.status, 200);
      assert.equal(ready.json.status, 'ready');
      await h.db.query(
        'DELETE FROM ob_schema_migration WHERE version = (SELECT max(version) FROM ob_schema_migration)',
      );
      const stale = await getJson(h, '/readyz');
      assert.equal(stale.status, 503);
      assert.match(String(stale.json.reason), /migrate/);
    });
  });
}
