/**
 * The read routes the status page added or extended: /api/status, the graph at a past instant, the
 * dependencies' default span when the data is old, and the page's shell and assets (auth, CSP, ETag).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { graphShow } from '../../../src/db/graph/queries.js';
import { listTenants } from '../../../src/db/tenants.js';
import { ageRefreshJob } from '../../../src/jobs/age-refresh.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { queueStatus, statusPairs } from '../../../src/queue/status.js';
import { drivers } from '../../helpers/db.js';
import { cli } from '../../helpers/demo-server.js';
import { enqueue, getJson, iso, M, NOW, openApiHarness, TOKEN, type ApiHarness } from './harness.js';

const H = 60 * M;

for (const driver of drivers()) {
  describe(`${driver}: status page reads`, () => {
    let h: ApiHarness;
    let service: string;
    before(async () => {
      h = await openApiHarness(driver, { jobs: () => [ooCallsJob(), ooMetricsJob(), ageRefreshJob()] });
      for (const tenant of ['acme', 'globex']) {
        for (const job of ['oo-calls', 'oo-metrics'])
          assert.equal((await enqueue(h, { job, tenant, from: iso(NOW - 30 * M), to: iso(NOW - 5 * M) })).status, 202);
        // Two refreshes: the graph at NOW − 10m and at NOW − 5m (the live one).
        const g = await enqueue(h, { job: 'age-refresh', tenant, from: iso(NOW - 15 * M), to: iso(NOW - 5 * M) });
        assert.equal(g.status, 202);
      }
      await h.drain();
      const r = await h.db.query<{ urn: string }>(
        `SELECT s.urn FROM service_call_5m c JOIN dim_resource s ON s.resource_id = c.src_resource_id
         WHERE c.tenant_id = $1 GROUP BY s.urn ORDER BY count(*) DESC, s.urn LIMIT 1`,
        [h.tenants[0]!.id],
      );
      service = r.rows[0]!.urn;
    });
    after(() => h.close());

    it('GET /api/status: the rows of `status --json`, window durations from the runs, data extents', async () => {
      const r = await getJson(h, '/api/status?windows=3');
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const known = new Map((await listTenants(h.db)).map((t) => [t.code, t.id]));
      const pairs = statusPairs(h.registry, ['acme', 'globex'], known);
      const expected = await queueStatus(h.db, pairs, NOW);
      const got = r.json.pairs as (Record<string, unknown> & { durations_ms: number[]; align_ms: number })[];
      assert.deepEqual(
        got.map(({ durations_ms: _d, align_ms: _a, ...rest }) => rest),
        expected,
      );
      assert.deepEqual(r.json.jobs, ['oo-calls', 'oo-metrics', 'age-refresh']);
      for (const p of got) {
        const runs = await h.db.query<{ ms: number }>(
          `SELECT (extract(epoch FROM finished_at - started_at) * 1000)::float8 AS ms FROM etl_job_run
           WHERE job = $1 AND tenant_id = $2 AND status = 'success' ORDER BY window_to DESC LIMIT 3`,
          [p.job as string, known.get(p.tenant as string)!],
        );
        assert.deepEqual(
          p.durations_ms,
          runs.rows.map((x) => Math.round(x.ms)).reverse(),
          `${p.job}/${p.tenant}: newest 3, oldest first`,
        );
        assert.equal(p.align_ms, p.job === 'oo-metrics' ? M : 5 * M);
      }
      const acme = (r.json.tenants as { code: string; data: Record<string, Record<string, unknown>> }[])[0]!;
      assert.equal(acme.code, 'acme');
      assert.deepEqual(acme.data.calls, {
        dataset: 'calls',
        oldest: iso(NOW - 30 * M),
        newest: iso(NOW - 10 * M),
        newest_end: iso(NOW - 5 * M),
        step_ms: 5 * M,
      });
      assert.equal(acme.data.metrics!.newest_end, iso(NOW - 5 * M));
      assert.equal(acme.data.logs!.newest, null, 'no logs job ran');
      assert.equal((await getJson(h, '/api/status?windows=0')).json.field, 'query.windows');
      assert.equal((await getJson(h, '/api/status', null)).status, 401);
    });

    it('GET /api/graph?at= recomputes the refresh of that instant from service_call_5m', async () => {
      const live = await graphShow(h.db, { tenant: 'acme' });
      assert.ok(live.edges.length > 0);
      // The live graph is the refresh of the window ending NOW − 5m; any instant in the 5 minutes after gives it.
      const r = await getJson(h, `/api/graph?tenant=acme&at=${iso(NOW - 3 * M)}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.as_of, iso(NOW - 5 * M));
      assert.deepEqual(r.json.nodes, live.nodes);
      const strip = (edges: unknown) =>
        (edges as Record<string, unknown>[]).map(({ first_seen: _f, ...e }) => ({
          ...e,
          p95_ms: e.p95_ms === null ? null : Math.round(Number(e.p95_ms) * 1e6) / 1e6,
        }));
      assert.deepEqual(strip(r.json.edges), strip(live.edges));
      // Before any call: an empty graph, not an error. A bad instant: 400 naming the field.
      const empty = await getJson(h, `/api/graph?tenant=acme&at=${iso(NOW - 2 * H)}`);
      assert.deepEqual([empty.json.nodes, empty.json.edges], [[], []]);
      assert.equal((await getJson(h, '/api/graph?tenant=acme&at=yesterday')).json.field, 'query.at');
      assert.equal((await getJson(h, `/api/graph?tenant=initech&at=${iso(NOW)}`)).status, 404);
      // Each tenant its own rows.
      const g = await getJson(h, `/api/graph?tenant=globex&at=${iso(NOW - 3 * M)}`);
      assert.deepEqual(g.json.nodes, (await graphShow(h.db, { tenant: 'globex' })).nodes);
    });

    it('dependencies: the default span falls back to the newest data once now’s span is empty', async () => {
      const url = `/api/services/${encodeURIComponent(service)}/dependencies?tenant=acme&limit=50`;
      const fresh = await getJson(h, url);
      assert.equal(fresh.json.span_basis, 'now');
      assert.equal(fresh.json.to, iso(NOW));
      assert.equal(fresh.json.newest_data, iso(NOW - 5 * M));
      const deps = fresh.json.dependencies as unknown[];
      assert.ok(deps.length > 0);

      h.clock.set(NOW + H); // an hour after the last window
      try {
        const late = await getJson(h, url);
        assert.equal(late.json.span_basis, 'newest_data');
        assert.equal(late.json.to, iso(NOW - 5 * M));
        assert.equal(late.json.from, iso(NOW - 35 * M));
        const atNewest = await getJson(h, `${url}&at=${iso(NOW - 5 * M)}`);
        assert.equal(atNewest.json.span_basis, 'at');
        assert.deepEqual(late.json.dependencies, atNewest.json.dependencies);
        assert.ok((late.json.dependencies as unknown[]).length > 0, 'not empty an hour later');
        // Asking for a time explicitly is answered as asked, empty or not.
        const asked = await getJson(h, `${url}&at=${iso(NOW + H)}`);
        assert.deepEqual(asked.json.dependencies, []);
        assert.equal(asked.json.newest_data, iso(NOW - 5 * M));
      } finally {
        h.clock.set(NOW);
      }
      // A tenant without calls keeps the span relative to now and says there is no data.
      await h.db.query('DELETE FROM service_call_5m WHERE tenant_id = $1', [h.tenants[1]!.id]);
      const none = await getJson(h, `/api/services/${encodeURIComponent(service)}/dependencies?tenant=globex`);
      assert.deepEqual([none.json.span_basis, none.json.newest_data, none.json.dependencies], ['now', null, []]);
    });

    it('query deps without --at, long after the data: the newest data’s span, and says so', async (t) => {
      if (driver !== 'postgres' || !h.t.schema) {
        t.skip('the CLI opens its own database: tested on the server, where it can share the test schema');
        return;
      }
      // The fixture's data ends 2026-06-10T11:55Z, long before the CLI's own clock (the real now).
      const db = `${process.env.DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${h.t.schema},public`)}`;
      const json = JSON.parse(
        await cli(['query', 'deps', service, '--tenant', 'acme', '--limit', '50', '--db', db, '--json']),
      );
      assert.equal(json.span_basis, 'newest_data');
      assert.deepEqual([json.from, json.to, json.newest_data], [iso(NOW - 35 * M), iso(NOW - 5 * M), iso(NOW - 5 * M)]);
      const api = await getJson(
        h,
        `/api/services/${encodeURIComponent(service)}/dependencies?tenant=acme&limit=50&at=${iso(NOW - 5 * M)}`,
      );
      assert.deepEqual(json.dependencies, api.json.dependencies);
      assert.ok(json.dependencies.length > 0);
      const text = await cli(['query', 'deps', service, '--tenant', 'acme', '--db', db]);
      assert.match(text.split('\n')[0]!, /ending at the newest call data \(nothing in the 30m before now\)$/);
      assert.match(text, /^dependency\s+p95_ms/m);
      // Asked for an empty span: says where the data is.
      const empty = await cli(['query', 'deps', service, '--tenant', 'acme', '--at', iso(NOW + H), '--db', db]);
      assert.match(empty, new RegExp(`no calls from this service in the span; try --at ${iso(NOW - 5 * M)}`));
    });

    it('the page: `/` and its assets behind the same check as the API, with a CSP and ETags', async () => {
      const page = await h.server.app.inject({ method: 'GET', url: '/' });
      assert.equal(page.statusCode, 200, 'a token is set: the shell is open, its API calls carry the token');
      assert.match(page.headers['content-type'] as string, /^text\/html/);
      const csp = page.headers['content-security-policy'] as string;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      assert.doesNotMatch(csp, /unsafe-inline|https?:/);
      assert.doesNotMatch(page.body, /https?:\/\//, 'no external URL in the shell');
      for (const url of [
        '/ui/app.js',
        '/ui/pages/graph.js',
        '/ui/style.css',
        '/ui/vendor/cytoscape.mjs',
        '/ui/vendor/cytoscape-dagre.mjs',
      ]) {
        const r = await h.server.app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 200, url);
        assert.match(r.headers['content-type'] as string, url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
        const etag = r.headers.etag as string;
        assert.equal(r.headers['cache-control'], 'no-cache');
        const again = await h.server.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
        assert.equal(again.statusCode, 304, url);
      }
      for (const url of ['/ui/nope.js', '/ui/../package.json', '/ui/index.html', '/ui/%2e%2e/plugin.js']) {
        assert.equal((await h.server.app.inject({ method: 'GET', url })).statusCode, 404, url);
      }
      // The API itself still needs the token, and says so to the page.
      const api = await h.server.app.inject({ method: 'GET', url: '/api/status' });
      assert.equal(api.statusCode, 401);
      assert.equal((await getJson(h, '/api/status', TOKEN)).status, 200);
    });
  });
}

describe('status page without a token: loopback only', () => {
  let h: ApiHarness;
  before(async () => {
    h = await openApiHarness('pglite', { token: null, tenants: ['acme'] });
  });
  after(() => h.close());

  it('serves the page and the API to a loopback Host, refuses another', async () => {
    for (const url of ['/', '/ui/app.js', '/api/status']) {
      const ok = await h.server.app.inject({ method: 'GET', url, headers: { host: '127.0.0.1:8080' } });
      assert.equal(ok.statusCode, 200, url);
      const no = await h.server.app.inject({ method: 'GET', url, headers: { host: 'evil.example:8080' } });
      assert.equal(no.statusCode, 403, url);
    }
  });
});
