/**
 * Scenario 6 — hostile input. Service names, label values, log bodies and attributes carrying SQL and
 * Cypher fragments go through the real oo-metrics, oo-calls, oo-logs and age-refresh jobs (relational
 * graph backend) and the graph queries: they must reach the database only as parameters — read back
 * verbatim, every table still there, row counts those of the same data with plain names. The HTTP API
 * (fastify inject) answers oversized, deeply nested and mistyped bodies with 4xx, never 5xx; and the
 * API token, an OpenObserve password and a database password never show in logs or error output.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.js';
import { configSchema } from '../../src/config/schema.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Attrs, Dataset, TelemetryRecord } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import { escapeComponent, unescapeComponent } from '../../src/core/urn.js';
import { graphImpact, graphShow } from '../../src/db/graph/queries.js';
import { ooString } from '../../src/db/writers/locators.js';
import { PgDb } from '../../src/db/pg-driver.js';
import type { Db } from '../../src/db/types.js';
import { ageRefreshJob } from '../../src/jobs/age-refresh.js';
import { ooCallsJob } from '../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../src/jobs/oo-logs.js';
import { ooMetricsJob } from '../../src/jobs/oo-metrics.js';
import { JobRegistry } from '../../src/jobs/registry.js';
import { createLogger } from '../../src/obs/logger.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { createSource } from '../../src/sources/registry.js';
import type { Source } from '../../src/sources/source.js';
import { drivers, openTestDb, type DriverName } from '../helpers/db.js';
import { runWindow, seedTenants } from '../helpers/job-harness.js';
import { report } from '../helpers/reliability/report.js';
import { MIN, T0 } from '../helpers/reliability/setup.js';

const W: Window = { from: T0, to: T0 + 5 * MIN };
const DATASETS: Dataset[] = ['metrics', 'traces', 'logs'];

export const HOSTILE = [
  `'); DROP TABLE dim_resource; --`,
  `$$; DROP TABLE metric_1m; $$`,
  `"dq" 'sq' ; semi \\ back`,
  `}) MATCH (n) DETACH DELETE n //`,
  `$1 $tag$ x $tag$ %s {{x}}`,
];

type Records = Record<Dataset, TelemetryRecord[]>;

async function mockRecords(): Promise<Records> {
  const mock = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 5, scale: 0.02 }));
  const tenant: Tenant = { id: 1, code: 'h', name: 'h' };
  const out: Records = { metrics: [], traces: [], logs: [] };
  for (const d of DATASETS) for await (const r of mock.stream(tenant, d, W, new RejectStats())) out[d].push(r);
  return out;
}

/**
 * Every service gets a hostile suffix (one per service, so the services stay distinct: same row
 * counts as the plain data); labels, attributes and log bodies get hostile values too.
 */
function hostile(rec: Records): { records: Records; services: Map<string, string> } {
  const services = new Map<string, string>();
  const resources = new Map<object, { attrs: Attrs }>();
  const res = (r: { attrs: Attrs }): { attrs: Attrs } => {
    let out = resources.get(r.attrs);
    if (!out) {
      const name = r.attrs['service.name'];
      const attrs = { ...r.attrs };
      if (typeof name === 'string') {
        let h = services.get(name);
        if (!h) {
          h = `${name}${HOSTILE[services.size % HOSTILE.length]!}`;
          services.set(name, h);
        }
        attrs['service.name'] = h;
      }
      out = { attrs };
      resources.set(r.attrs, out);
    }
    return out;
  };
  const records: Records = { metrics: [], traces: [], logs: [] };
  for (const d of DATASETS) {
    records[d] = rec[d].map((r, i): TelemetryRecord => {
      const h = HOSTILE[i % HOSTILE.length]!;
      if (r.kind === 'metric') return { ...r, labels: { ...r.labels, hostile: h }, resource: res(r.resource) };
      if (r.kind === 'log')
        return { ...r, body: `${r.body} ${h}`, attrs: { ...r.attrs, hostile: h }, resource: res(r.resource) };
      return { ...r, resource: res(r.resource) };
    });
  }
  return { records, services };
}

function fixedSource(records: Records): Source {
  return {
    kind: 'fixed',
    location: (_t, d) => ({ bucket: `org'); DROP TABLE oo_locator; --`, objectKey: d }),
    async *stream(_t, d, w): AsyncIterable<TelemetryRecord> {
      for (const r of records[d]) {
        const ts = r.kind === 'span' ? r.start : r.ts;
        if (ts >= w.from && ts < w.to) yield r;
      }
    },
  };
}

async function tables(db: Db): Promise<string[]> {
  const r = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
  );
  return r.rows.map((x) => x.t);
}

/**
 * Row counts of the tables whose rows do not depend on log text; log lines (their patterns change with
 * the appended fragments) are compared by total count.
 */
const COUNTED = ['metric_1m', 'service_call_5m', 'dim_resource', 'graph_active_edge'];

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of COUNTED) {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = r.rows[0]!.n;
  }
  const l = await db.query<{ n: number }>('SELECT sum(count_total)::int AS n FROM log_pattern_5m');
  out['log lines'] = l.rows[0]!.n;
  return out;
}

async function runAll(driver: DriverName, records: Records, check?: (db: Db, tenant: Tenant) => Promise<void>) {
  const t = await openTestDb(driver);
  try {
    const [tenant] = await seedTenants(t.db, ['h']);
    const before = await tables(t.db);
    const src = fixedSource(records);
    const metrics = ooMetricsJob();
    for (let m = W.from; m < W.to; m += MIN) await runWindow(t.db, metrics, tenant!, { from: m, to: m + MIN }, src);
    await runWindow(t.db, ooCallsJob(), tenant!, W, src);
    await runWindow(t.db, ooLogsJob(), tenant!, W, src);
    await runWindow(t.db, ageRefreshJob(), tenant!, { from: W.to, to: W.to + 5 * MIN }, src);
    assert.deepEqual(await tables(t.db), before, 'no table dropped or created');
    await check?.(t.db, tenant!);
    return await counts(t.db);
  } finally {
    await t.close();
  }
}

/** Collects everything written to it (a pino destination). */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

for (const driver of drivers()) {
  describe(`reliability: hostile input (${driver})`, { timeout: 120_000 }, () => {
    it('SQL and Cypher fragments in names, labels and bodies are stored verbatim; nothing else happens', async () => {
      const plain = await mockRecords();
      const { records, services } = hostile(plain);
      const expected = await runAll(driver, plain);
      let checked = 0;
      const got = await runAll(driver, records, async (db, tenant) => {
        for (const name of services.values()) {
          // URN components are normalized (service names lowercased) and escaped (urn.ts): read back
          // through unescapeComponent they are the name, character for character
          const want = name.trim().toLowerCase();
          const r = await db.query<{ urn: string }>(
            'SELECT urn FROM dim_resource WHERE tenant_id = $1 AND urn LIKE $2',
            [tenant.id, `%/${escapeComponent(want).replace(/[\\%_]/g, (c) => `\\${c}`)}`],
          );
          assert.ok(r.rows.length >= 1, `service ${JSON.stringify(name)} has its URN`);
          assert.equal(unescapeComponent(r.rows[0]!.urn.split('/').at(-1)!), want);
          checked++;
        }
        // the OO query hints of the locators quote the names (OO SQL, not ours, but copy-pasted by users)
        const hints = await db.query<{ q: string }>(
          `SELECT query_hint AS q FROM oo_locator WHERE query_hint LIKE '%service_name%'`,
        );
        const quoted = [...services.values()].map((n) => ooString(n.trim().toLowerCase()));
        assert.ok(
          hints.rows.some((h) => quoted.some((q) => h.q.includes(q))),
          `a hint quotes a hostile service: ${hints.rows[0]?.q ?? 'none'}`,
        );
        for (const h of HOSTILE) {
          const m = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM metric_1m WHERE labels->>'hostile' = $1`,
            [h],
          );
          assert.ok(m.rows[0]!.n > 0, `label ${JSON.stringify(h)} read back`);
          const l = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM log_pattern WHERE strpos(sample_message, $1) > 0`,
            [h],
          );
          assert.ok(l.rows[0]!.n > 0, `log body with ${JSON.stringify(h)} read back`);
          checked += 2;
        }
        // graph queries over hostile URNs (relational backend: PGlite has no AGE; the server may not either)
        const edges = await db.query<{ urn: string }>(
          `SELECT r.urn FROM graph_active_edge e JOIN dim_resource r ON r.resource_id = e.src_resource_id WHERE e.tenant_id = $1`,
          [tenant.id],
        );
        assert.ok(edges.rows.length > 0, 'age-refresh wrote edges');
        const hostileUrns = edges.rows.map((e) => e.urn).filter((u) => /drop|match|\$\$|;/.test(u));
        assert.ok(hostileUrns.length > 0, `an edge has a hostile URN: ${edges.rows.map((e) => e.urn).join(' ')}`);
        const urn = hostileUrns[0]!;
        const impact = await graphImpact(
          db,
          { tenant: 'h', urn, hops: 3, direction: 'both' },
          { backend: 'relational' },
        );
        assert.equal(impact.urn, urn);
        const shown = JSON.stringify(await graphShow(db, { tenant: 'h' }, { backend: 'relational' }));
        assert.ok(shown.includes(JSON.stringify(urn).slice(1, -1)), 'graph shows the hostile URN');
        checked += 2;
      });
      assert.deepEqual(got, expected, 'same row counts as the plain data');
      report(`hostile data (${driver})`, {
        hostileStrings: HOSTILE.length,
        services: services.size,
        readBackChecks: checked,
        tables: COUNTED.length,
      });
    });
  });
}

describe('reliability: hostile HTTP input and secrets', { timeout: 60_000 }, () => {
  const TOKEN = 'tok-S3cr3t-api-0123456789';
  const OO_PASS = 'oo-S3cr3t-pass-9876';
  const DB_PASS = 'db-S3cr3t-pass-4242';

  it('oversized, deeply nested and mistyped bodies get 4xx, never 5xx; the token never shows', async () => {
    const t = await openTestDb('pglite');
    const cap = new Capture();
    const logger = createLogger('debug', cap);
    try {
      await seedTenants(t.db, ['acme']);
      const config = configSchema.parse({ tenants: [{ code: 'acme', source: { kind: 'mock' } }] });
      const server = createApiServer({
        db: t.db,
        registry: JobRegistry.create([ooCallsJob(), ooMetricsJob()], config),
        clock: new ManualClock(W.to + 60 * MIN),
        config,
        logger,
        metrics: createMetrics({ defaultMetrics: false }),
        token: TOKEN,
        attachMetrics: false,
      });
      const post = async (payload: string, headers: Record<string, string> = {}) =>
        server.app.inject({
          method: 'POST',
          url: '/events/enqueue',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
          payload,
        });
      const ok = {
        job: 'oo-calls',
        tenant: 'acme',
        from: new Date(W.from).toISOString(),
        to: new Date(W.to).toISOString(),
      };
      const cases: [string, string, Record<string, string>, number[]][] = [
        ['huge body', JSON.stringify({ ...ok, pad: 'x'.repeat(2 * 1024 * 1024) }), {}, [413]],
        ['10,000 levels', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, {}, [400]],
        ['10,000 arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, {}, [400]],
        ['wrong types', JSON.stringify({ job: 5, tenant: ['acme'], from: true, to: {} }), {}, [400]],
        ['force as string', JSON.stringify({ ...ok, force: 'yes' }), {}, [400]],
        ['bad JSON', '{"job": ', {}, [400]],
        ['proto poisoning', `{"__proto__": {"x": 1}, "job": "oo-calls"}`, {}, [400]],
        ['hostile job', JSON.stringify({ ...ok, job: HOSTILE[0] }), {}, [400, 404]],
        ['hostile tenant', JSON.stringify({ ...ok, tenant: HOSTILE[3] }), {}, [400, 404]],
        ['no token', JSON.stringify(ok), { authorization: '' }, [401]],
        ['wrong token', JSON.stringify(ok), { authorization: `Bearer ${TOKEN}x` }, [401]],
        ['text/plain', JSON.stringify(ok), { 'content-type': 'text/plain' }, [415]],
      ];
      const statuses: Record<string, number> = {};
      for (const [name, payload, headers, want] of cases) {
        const res = await post(payload, headers);
        statuses[name] = res.statusCode;
        assert.ok(want.includes(res.statusCode), `${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        assert.ok(!res.body.includes(TOKEN), `${name}: token in the response`);
      }
      const good = await post(JSON.stringify(ok));
      assert.equal(good.statusCode, 202, good.body);
      for (const url of [
        `/api/services/${encodeURIComponent(HOSTILE[0]!)}/dependencies?tenant=acme`,
        `/api/services/x/dependencies?tenant=${encodeURIComponent(HOSTILE[1]!)}`,
        `/api/graph/impact?tenant=acme&urn=${encodeURIComponent(HOSTILE[3]!)}&hops=999999999999`,
        `/api/runs?tenant=${encodeURIComponent(HOSTILE[2]!)}&limit=-1`,
        `/api/topology?tenant=acme&at=${encodeURIComponent(HOSTILE[4]!)}`,
      ]) {
        // With the token: the hostile values reach validation and the queries.
        const res = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
        statuses[url.slice(0, 40)] = res.statusCode;
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        assert.notEqual(res.statusCode, 401, url);
      }
      await server.stop();
      logger.flush();
      assert.ok(cap.text.length > 0, 'the server logged');
      assert.ok(!cap.text.includes(TOKEN), 'API token in the logs');
      report('hostile http', {
        requests: cases.length + 6,
        statuses: JSON.stringify(statuses),
        logBytes: cap.text.length,
      });
    } finally {
      await t.close();
    }
  });

  it('an OpenObserve password and a database password never show in errors or logs', async () => {
    const cap = new Capture();
    const logger = createLogger('debug', cap);
    // OO: unreachable (connection refused), then a server that answers 401 and echoes the request
    const src = createSource(
      {
        kind: 'openobserve',
        url: 'http://127.0.0.1:9/',
        user: 'u',
        password_env: 'REL_OO_PASS',
        retry: { max_attempts: 1 },
      },
      { env: { REL_OO_PASS: OO_PASS }, logger },
    );
    let ooError = '';
    try {
      for await (const _ of src.stream({ id: 1, code: 'a', name: 'a' }, 'logs', W, new RejectStats())) break;
    } catch (e) {
      ooError = `${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)}`;
      logger.error({ err: e }, 'source failed');
    }
    assert.ok(ooError !== '', 'the unreachable source failed');
    assert.ok(!ooError.includes(OO_PASS), 'OO password in the error');
    assert.ok(!ooError.includes(Buffer.from(`u:${OO_PASS}`).toString('base64')), 'basic-auth header in the error');
    // DB: a URL with a password to a closed port
    let dbError = '';
    try {
      await PgDb.open(`postgres://someone:${DB_PASS}@127.0.0.1:9/nowhere?connect_timeout=2`);
    } catch (e) {
      dbError = `${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)}`;
      logger.error({ err: e, url: 'redacted by caller' }, 'db failed');
    }
    assert.ok(dbError !== '', 'the unreachable database failed');
    assert.ok(!dbError.includes(DB_PASS), 'DB password in the error');
    logger.flush();
    assert.ok(!cap.text.includes(OO_PASS) && !cap.text.includes(DB_PASS), 'a password in the logs');
    report('secrets', { ooError: ooError.slice(0, 80), dbError: dbError.slice(0, 80), logBytes: cap.text.length });
  });
});
