import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { traceView, tracesByAttrs } from '../../../src/correlation/queries.js';
import { graphImpact } from '../../../src/db/graph/queries.js';
import { topDependencies } from '../../../src/db/queries/dependencies.js';
import { topologyAt } from '../../../src/db/queries/topology.js';
import { discoverCarriers, discoverCooccurring, discoverKeys, discoverNames } from '../../../src/discovery/queries.js';
import { migrate } from '../../../src/db/migrate.js';
import { PgliteDb } from '../../../src/db/pglite-driver.js';
import { syncTenants } from '../../../src/db/tenants.js';
import type { Db } from '../../../src/db/types.js';
import { ageRefreshJob } from '../../../src/jobs/age-refresh.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../../src/jobs/oo-logs.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { chunkSettings } from '../../../src/kb/config.js';
import { ingestKb } from '../../../src/kb/ingest.js';
import { drivers, openTestDb, type DriverName } from '../../helpers/db.js';
import { CHILD_REQUEST } from '../../helpers/child.js';
import { repoRoot } from '../../helpers/paths.js';
import { enqueue, iso, M, NOW, openApiHarness, TOKEN, type ApiHarness } from '../api/harness.js';

const RUNBOOKS = join(repoRoot, 'configs', 'demo', 'runbooks');
const ORDERS = 'urn:k8s:svc:shop/orders';
const ORDERS_DB = 'urn:db:postgres:orders-db.data/orders';
const EVENT = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const TOOLS = [
  'dependencies',
  'discover',
  'event_evidence',
  'events',
  'graph_impact',
  'graph_path',
  'kb_search',
  'log_patterns',
  'service_health',
  'topology_at',
  'trace',
];
const CORRELATION = { correlation: { attributes: ['user_id'] } };

type Result = { isError?: boolean; content: { type: string; text?: string }[] };
const text = (r: Result) => r.content.map((c) => c.text ?? '').join('');
const json = (r: Result) => {
  assert.ok(!r.isError, `tool error: ${text(r)}`);
  return JSON.parse(text(r)) as Record<string, unknown>;
};
async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  return (await c.callTool({ name, arguments: args }, undefined, CHILD_REQUEST)) as Result;
}
async function bad(c: Client, name: string, args: Record<string, unknown>, argument: string): Promise<void> {
  const r = await call(c, name, args);
  assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} should be a tool error`);
  assert.ok(text(r).startsWith(`${argument}:`), `${name}: '${text(r)}' should name ${argument}`);
}

async function fillData(h: ApiHarness): Promise<void> {
  for (const job of ['oo-calls', 'oo-metrics', 'oo-logs'])
    assert.equal(
      (await enqueue(h, { job, tenant: 'acme', from: iso(NOW - 20 * M), to: iso(NOW - 5 * M) })).status,
      202,
    );
  assert.equal(
    (await enqueue(h, { job: 'age-refresh', tenant: 'acme', from: iso(NOW - 10 * M), to: iso(NOW - 5 * M) })).status,
    202,
  );
  await h.drain();
  const acme = h.tenants[0]!.id;
  const loc = await h.db.query<{ id: number }>('SELECT id FROM oo_locator WHERE tenant_id = $1 ORDER BY id LIMIT 1', [
    acme,
  ]);
  await h.db.query(
    `INSERT INTO event_envelope(event_id, detected_at, tenant_id, severity, kind, title) VALUES ($1, $2, $3, 'ERROR', 'anomaly', 'orders slow')`,
    [EVENT, iso(NOW - 10 * M), acme],
  );
  await h.db.query(`INSERT INTO evidence_link(event_id, dim, ref_oo, note) VALUES ($1, 'trace', $2, 'sample traces')`, [
    EVENT,
    loc.rows[0]!.id,
  ]);
  await ingestKb(h.db, [RUNBOOKS], { tenantId: null, language: 'english', chunk: chunkSettings({}) });
}

for (const driver of drivers()) {
  describe(`${driver}: MCP over Streamable HTTP (the SDK's client)`, () => {
    let h: ApiHarness;
    let client: Client;
    let url: string;
    before(async () => {
      h = await openApiHarness(driver, {
        tenants: ['acme'],
        jobs: () => [ooCallsJob(), ooMetricsJob(), ooLogsJob(), ageRefreshJob()],
        configExtra: CORRELATION,
      });
      await fillData(h);
      const a = await h.server.start('127.0.0.1:0');
      url = `http://127.0.0.1:${a.port}/mcp`;
      client = new Client({ name: 'test', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
    });
    after(async () => {
      await client?.close();
      await h.close();
    });

    it('lists every tool with a JSON schema that takes a tenant, and short descriptions', async () => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
      for (const t of tools) {
        assert.equal(t.inputSchema.type, 'object');
        assert.ok('tenant' in (t.inputSchema.properties ?? {}), `${t.name} takes no tenant`);
        assert.ok((t.description ?? '').length > 40 && (t.description ?? '').length < 300, t.name);
      }
    });

    it('answers each tool with what the read functions return', async () => {
      const deps = json(await call(client, 'dependencies', { tenant: 'acme', service: ORDERS, since: '30m' }));
      const direct = await topDependencies(h.db, {
        tenantId: h.tenants[0]!.id,
        urn: ORDERS,
        now: NOW,
        since: 30 * M,
        limit: 5,
      });
      assert.ok(direct.length > 0);
      assert.deepEqual(deps.dependencies, JSON.parse(JSON.stringify(direct)));

      const health = json(await call(client, 'service_health', { tenant: 'acme', service: ORDERS, since: '1h' }));
      // Metrics: a resource that has some, folded per metric.
      const withMetrics = await h.db.query<{ urn: string; n: number }>(
        `SELECT r.urn, count(DISTINCT m.metric)::int AS n FROM metric_1m m JOIN dim_resource r USING (resource_id)
         GROUP BY r.urn ORDER BY 2 DESC, 1 LIMIT 1`,
      );
      const m = withMetrics.rows[0]!;
      const mh = json(await call(client, 'service_health', { tenant: 'acme', service: m.urn, since: '1h' }));
      assert.equal((mh.metrics as { samples: number }[]).length, m.n);
      assert.ok((mh.metrics as { samples: number }[]).every((x) => x.samples > 0));
      assert.ok((health.callers as { dst: string }[]).length > 0, 'no callers');
      assert.ok((health.dependencies as { dst: string }[]).some((d) => d.dst === ORDERS_DB));

      const impact = json(await call(client, 'graph_impact', { tenant: 'acme', urn: ORDERS, hops: 2 }));
      assert.deepEqual(
        impact,
        JSON.parse(JSON.stringify(await graphImpact(h.db, { tenant: 'acme', urn: ORDERS, hops: 2 }))),
      );
      assert.ok((impact.downstream as { urn: string }[]).some((n) => n.urn === ORDERS_DB));

      const up = (impact.upstream as { urn: string; hops: number }[]).find((n) => n.hops === 1)!;
      const path = json(await call(client, 'graph_path', { tenant: 'acme', from: up.urn, to: ORDERS_DB }));
      assert.equal(path.hops, 2);
      assert.deepEqual(
        (path.nodes as { urn: string }[]).map((n) => n.urn),
        [up.urn, ORDERS, ORDERS_DB],
      );

      const topo = json(await call(client, 'topology_at', { tenant: 'acme', limit: 10 }));
      const t = await topologyAt(h.db, { tenantId: h.tenants[0]!.id, at: NOW, limit: 10 });
      assert.deepEqual(topo.edges, JSON.parse(JSON.stringify(t.edges)));

      const pats = json(
        await call(client, 'log_patterns', { tenant: 'acme', text: 'conection pool exausted', since: '1h' }),
      );
      const first = (pats.patterns as { pattern: string; count_total: number }[])[0];
      assert.match(first?.pattern ?? '', /connection pool exhausted/);
      assert.ok(first!.count_total > 0);

      const list = json(await call(client, 'events', { tenant: 'acme', since: '1h' }));
      assert.deepEqual(
        (list.events as { event_id: string }[]).map((e) => e.event_id),
        [EVENT],
      );
      const ev = json(await call(client, 'event_evidence', { tenant: 'acme', event_id: EVENT }));
      const link = (ev.evidence as { locator: { query_hint: string | null } | null }[])[0]!;
      assert.match(link.locator?.query_hint ?? '', /SELECT/i);

      const kb = json(await call(client, 'kb_search', { tenant: 'acme', query: 'orders database slow' }));
      assert.match((kb.hits as { source: string }[])[0]!.source, /orders-db-slow\.md$/);
    });

    it('trace: by trace id and by business attribute, as the correlation reads return them', async () => {
      const acme = h.tenants[0]!.id;
      const sample = await h.db.query<{ trace_id: string; user: string }>(
        `SELECT trace_id, attrs->>'user_id' AS user FROM service_call_trace_5m
          WHERE tenant_id = $1 AND attrs ? 'user_id' ORDER BY bucket DESC, trace_id LIMIT 1`,
        [acme],
      );
      const { trace_id: id, user } = sample.rows[0]!;
      const byId = json(await call(client, 'trace', { tenant: 'acme', trace_id: id }));
      assert.deepEqual(byId, {
        tenant: 'acme',
        ...JSON.parse(JSON.stringify(await traceView(h.db, { tenantId: acme, traceId: id }))),
      });
      assert.equal(byId.found, true);
      assert.ok((byId.edges as unknown[]).length > 0);
      const oo = byId.oo as { dataset: string; sql: string | null }[];
      assert.deepEqual(
        oo.map((o) => o.dataset),
        ['traces', 'logs'],
      );
      assert.ok(
        oo.every((o) => o.sql?.includes(`trace_id = '${id}'`)),
        JSON.stringify(oo),
      );

      const attr = [`user_id=${user}`];
      const byAttr = json(await call(client, 'trace', { tenant: 'acme', attr, since: '1h' }));
      const hits = await tracesByAttrs(h.db, {
        tenantId: acme,
        attrs: { user_id: user },
        from: NOW - 60 * M,
        to: NOW,
        limit: 10,
      });
      assert.ok(hits.some((x) => x.trace_id === id));
      assert.deepEqual(byAttr.traces, JSON.parse(JSON.stringify(hits)));
      const first = byAttr.trace as { trace_id: string; found: boolean; edges: { attrs: { user_id?: string } }[] };
      assert.equal(first.trace_id, hits[0]!.trace_id);
      assert.equal(first.found, true);
      assert.ok(first.edges.some((e) => e.attrs.user_id === user));
      // A user no sample carries: no traces, nothing resolved.
      const none = json(await call(client, 'trace', { tenant: 'acme', attr: ['user_id=nobody-at-all'] }));
      assert.deepEqual([none.traces, none.trace], [[], null]);
    });

    it('discover: names, keys of a name, carriers of key=value and co-occurring keys', async () => {
      const r = { tenantId: h.tenants[0]!.id, from: NOW - 24 * 60 * M, to: NOW };
      const names = json(await call(client, 'discover', { tenant: 'acme', ask: 'names', signal: 'span', limit: 500 }));
      const direct = await discoverNames(h.db, { ...r, signal: 'span', namespace: null, limit: 500 });
      assert.ok(direct.length > 0);
      assert.deepEqual(names.names, JSON.parse(JSON.stringify(direct)));
      const op = direct.find((n) => n.namespace === 'orders')!;
      const keys = json(
        await call(client, 'discover', {
          tenant: 'acme',
          ask: 'keys',
          signal: 'span',
          namespace: op.namespace,
          name: op.name,
          values: 3,
        }),
      );
      const dk = await discoverKeys(h.db, {
        ...r,
        signal: 'span',
        namespace: op.namespace,
        name: op.name,
        key: null,
        values: 3,
      });
      assert.ok(dk.length > 0);
      assert.deepEqual(keys.keys, JSON.parse(JSON.stringify(dk.slice(0, 50))));
      const kv = dk.find((k) => k.values.length > 0)!;
      const value = kv.values[0]!.value;
      const carriers = json(await call(client, 'discover', { tenant: 'acme', ask: 'carriers', key: kv.key, value }));
      const dc = await discoverCarriers(h.db, { ...r, key: kv.key, value, signal: null, limit: 50 });
      assert.ok(dc.some((c) => c.name === op.name && c.namespace === op.namespace));
      assert.deepEqual(carriers.carriers, JSON.parse(JSON.stringify(dc)));
      const co = json(
        await call(client, 'discover', { tenant: 'acme', ask: 'cooccurring', key: kv.key, value, signal: 'span' }),
      );
      const dco = await discoverCooccurring(h.db, {
        ...r,
        key: kv.key,
        value,
        signal: 'span',
        namespace: null,
        name: null,
        limit: 50,
      });
      assert.deepEqual({ keys: co.keys, sets_overflow: co.sets_overflow }, JSON.parse(JSON.stringify(dco)));
      assert.ok(!(co.keys as { key: string }[]).some((k) => k.key === kv.key), 'the asked key is not its own co-key');
    });

    it('ranges relative to now fall back to the newest data when now’s span is empty, and say so; `at` stays', async () => {
      const acme = h.tenants[0]!.id;
      const user = (
        await h.db.query<{ user: string }>(
          `SELECT attrs->>'user_id' AS user FROM service_call_trace_5m WHERE tenant_id = $1 AND attrs ? 'user_id' LIMIT 1`,
          [acme],
        )
      ).rows[0]!.user;
      // Every dataset's newest bucket of fillData ends at NOW − 5m; three days on, nothing is in any default span.
      const later = NOW + 3 * 24 * 60 * M;
      const newest = iso(NOW - 5 * M);
      h.clock.set(later);
      try {
        const deps = json(await call(client, 'dependencies', { tenant: 'acme', service: ORDERS }));
        assert.deepEqual(
          [deps.span_basis, deps.from, deps.to, deps.newest_data],
          ['newest_data', iso(NOW - 35 * M), newest, newest],
        );
        assert.match(
          String(deps.span_note),
          /the 30m ending at the newest call data \(nothing in the 30m before now\)/,
        );
        const direct = await topDependencies(h.db, {
          tenantId: acme,
          urn: ORDERS,
          now: NOW - 5 * M,
          since: 30 * M,
          limit: 5,
        });
        assert.ok(direct.length > 0);
        assert.deepEqual(deps.dependencies, JSON.parse(JSON.stringify(direct)));

        const health = json(await call(client, 'service_health', { tenant: 'acme', service: ORDERS }));
        assert.deepEqual([health.span_basis, health.to], ['newest_data', newest]);
        assert.ok((health.dependencies as { dst: string }[]).some((d) => d.dst === ORDERS_DB));
        const pats = json(await call(client, 'log_patterns', { tenant: 'acme', text: 'connection pool exhausted' }));
        assert.deepEqual([pats.span_basis, pats.to], ['newest_data', newest]);
        assert.ok((pats.patterns as unknown[]).length > 0);
        const events = json(await call(client, 'events', { tenant: 'acme' }));
        assert.equal(events.span_basis, 'newest_data');
        assert.deepEqual(
          (events.events as { event_id: string }[]).map((e) => e.event_id),
          [EVENT],
        );
        const traces = json(await call(client, 'trace', { tenant: 'acme', attr: [`user_id=${user}`] }));
        assert.deepEqual([traces.span_basis, traces.to], ['newest_data', newest]);
        assert.ok((traces.traces as unknown[]).length > 0);
        const names = json(await call(client, 'discover', { tenant: 'acme', ask: 'names', signal: 'span' }));
        assert.equal(names.span_basis, 'newest_data');
        assert.ok((names.names as unknown[]).length > 0);
        assert.match(String(names.span_note), /the 24h ending at the newest discovery data/);

        // An explicit end is read as asked, however empty, and still says where the data ends.
        const at = iso(later);
        const asked = json(await call(client, 'dependencies', { tenant: 'acme', service: ORDERS, at }));
        assert.deepEqual([asked.span_basis, asked.to, asked.newest_data, asked.dependencies], ['at', at, newest, []]);
        assert.match(String(asked.span_note), new RegExp(`newest call data ends ${newest}`));
        const askedNames = json(await call(client, 'discover', { tenant: 'acme', ask: 'names', signal: 'span', at }));
        assert.deepEqual([askedNames.span_basis, askedNames.names], ['at', []]);
      } finally {
        h.clock.set(NOW);
      }
      const fresh = json(await call(client, 'dependencies', { tenant: 'acme', service: ORDERS }));
      assert.deepEqual([fresh.span_basis, fresh.to], ['now', iso(NOW)]);
    });

    it('answers bad arguments with a tool error naming the argument', async () => {
      const T = { tenant: 'acme' };
      await bad(client, 'dependencies', { service: ORDERS }, 'tenant');
      await bad(client, 'dependencies', { tenant: 'nobody', service: ORDERS }, 'tenant');
      await bad(client, 'dependencies', { ...T, service: 'urn:k8s:svc:shop/none' }, 'service');
      await bad(client, 'dependencies', { ...T, service: ORDERS, limit: 0 }, 'limit');
      await bad(client, 'service_health', { ...T, service: ORDERS, since: '99d' }, 'since');
      await bad(client, 'service_health', { ...T, service: ORDERS, at: 'yesterday' }, 'at');
      await bad(client, 'graph_impact', { ...T, urn: ORDERS, hops: 99 }, 'hops');
      await bad(client, 'graph_impact', { ...T, urn: ORDERS, direction: 'sideways' }, 'direction');
      await bad(client, 'graph_path', { ...T, from: ORDERS, to: 'urn:host:nowhere' }, 'to');
      await bad(client, 'graph_path', { ...T, from: ORDERS, to: ORDERS_DB, max_hops: 'ten' }, 'max_hops');
      await bad(client, 'topology_at', { ...T, cursor: 'not-a-cursor' }, 'cursor');
      await bad(client, 'topology_at', { ...T, limit: 10_000 }, 'limit');
      await bad(client, 'log_patterns', { ...T, text: '   ' }, 'text');
      await bad(client, 'log_patterns', { ...T, text: 'x', service: 'urn:host:nowhere' }, 'service');
      await bad(client, 'events', { ...T, status: 'closed' }, 'status');
      await bad(client, 'events', { ...T, cursor: 'zz' }, 'cursor');
      await bad(client, 'event_evidence', { ...T, event_id: 'nope' }, 'event_id');
      await bad(client, 'event_evidence', { ...T, event_id: '00000000-0000-4000-8000-000000000000' }, 'event_id');
      await bad(client, 'kb_search', { ...T }, 'query');
      await bad(client, 'kb_search', { query: 'x', extra: 1 }, 'extra');
      await bad(client, 'kb_search', { query: 'x', from: '2026-13-01' }, 'from');
      await bad(client, 'trace', { ...T }, 'trace_id');
      await bad(client, 'trace', { ...T, trace_id: 'not a trace id!' }, 'trace_id');
      await bad(client, 'trace', { ...T, attr: ['user_id'] }, 'attr');
      await bad(client, 'trace', { ...T, attr: 'user_id=1' }, 'attr');
      await bad(client, 'trace', { ...T, attr: ['user_id=1'], since: '30d' }, 'since');
      await bad(client, 'trace', { tenant: 'nobody', trace_id: 'abc' }, 'tenant');
      await bad(client, 'discover', { ...T, ask: 'everything' }, 'ask');
      await bad(client, 'discover', { ...T }, 'ask');
      await bad(client, 'discover', { ...T, ask: 'keys', signal: 'span', namespace: 'orders' }, 'name');
      await bad(client, 'discover', { ...T, ask: 'keys', namespace: 'orders', name: 'x' }, 'signal');
      await bad(client, 'discover', { ...T, ask: 'carriers', key: 'user_id' }, 'value');
      await bad(client, 'discover', { ...T, ask: 'cooccurring', value: 'x' }, 'key');
      await bad(client, 'discover', { ...T, ask: 'names', signal: 'metrics' }, 'signal');
      await bad(client, 'discover', { ...T, ask: 'names', since: '90d' }, 'since');
      await bad(client, 'discover', { ...T, ask: 'names', limit: 501 }, 'limit');
      const unknown = await call(client, 'no_such_tool', {});
      assert.equal(unknown.isError, true);
      // The server still answers after all of that.
      assert.ok(json(await call(client, 'kb_search', { query: 'redis evictions' })).hits);
    });

    it('serves the schema and URN rules as resources', async () => {
      const { resources } = await client.listResources();
      assert.deepEqual(resources.map((r) => r.uri).sort(), ['observebridge://schema', 'observebridge://urn-rules']);
      const schema = await client.readResource({ uri: 'observebridge://schema' });
      const s = String((schema.contents[0] as { text: string }).text);
      assert.match(s, /## kb_chunk — .*\n.*tsv tsvector/);
      assert.match(s, /## service_call_5m/);
      const rules = await client.readResource({ uri: 'observebridge://urn-rules' }, CHILD_REQUEST);
      assert.match(String((rules.contents[0] as { text: string }).text), /urn:k8s:svc:<namespace>\/<name>/);
    });

    it('needs the bearer token like every read route', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const no = await fetch(url, { method: 'POST', headers, body });
      assert.equal(no.status, 401);
      const wrong = await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer nope' }, body });
      assert.equal(wrong.status, 401);
      const get = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(get.status, 405);
    });
  });
}

/** The --db target the child opens: the PGlite directory, or the server URL with the test's schema. */
async function stdioDb(driver: DriverName, dir: string): Promise<{ target: string; db: Db; close(): Promise<void> }> {
  if (driver === 'pglite') {
    const db = await PgliteDb.open(join(dir, 'db'));
    await migrate(db);
    return { target: join(dir, 'db'), db, close: async () => undefined };
  }
  const t = await openTestDb(driver);
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${t.schema!},public`);
  return { target: url.toString(), db: t.db, close: () => t.close() };
}

for (const driver of drivers()) {
  describe(`${driver}: MCP over stdio (\`observebridge mcp\`, the SDK client spawning it)`, () => {
    let dir: string;
    let client: Client;
    let store: Awaited<ReturnType<typeof stdioDb>>;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-'));
      store = await stdioDb(driver, dir);
      await syncTenants(store.db, [{ code: 'acme' }]);
      await ingestKb(store.db, [RUNBOOKS], { tenantId: null, language: 'english', chunk: chunkSettings({}) });
      // The child opens the PGlite directory itself: only one process may hold it.
      if (driver === 'pglite') await store.db.close();
      writeFileSync(
        join(dir, 'config.yaml'),
        `tenants:\n  - code: acme\n    source: { kind: mock, seed: 1 }\nlogging:\n  level: warn\n`,
      );
      client = new Client({ name: 'test', version: '1' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [
            join(repoRoot, 'bin', 'observebridge.js'),
            'mcp',
            '--db',
            store.target,
            '--config',
            join(dir, 'config.yaml'),
          ],
          stderr: 'pipe',
        }),
        CHILD_REQUEST,
      );
      // Drained, so a child that writes much to stderr cannot block on a full pipe.
      ((client.transport as StdioClientTransport | undefined)?.stderr as Readable | null | undefined)?.resume();
    });
    after(async () => {
      await client?.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists the tools and answers good and bad calls', async () => {
      const { tools } = await client.listTools(undefined, CHILD_REQUEST);
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
      const kb = json(await call(client, 'kb_search', { query: 'orders database slow', limit: 3 }));
      assert.match((kb.hits as { source: string }[])[0]!.source, /orders-db-slow\.md$/);
      await bad(client, 'kb_search', { query: 'x', limit: 500 }, 'limit');
      await bad(client, 'dependencies', { tenant: 'acme', service: ORDERS }, 'service');
      await bad(client, 'graph_impact', { tenant: 'zzz', urn: ORDERS }, 'tenant');
      // No telemetry was summarized into this database: the trace is in no sample, no names exist.
      const tr = json(await call(client, 'trace', { tenant: 'acme', trace_id: 'ABC123' }));
      assert.deepEqual([tr.trace_id, tr.found, tr.edges, tr.patterns], ['abc123', false, [], []]);
      const names = json(await call(client, 'discover', { tenant: 'acme', ask: 'names' }));
      assert.deepEqual(names.names, []);
      await bad(client, 'trace', { tenant: 'acme', attr: ['=x'] }, 'attr');
      await bad(client, 'discover', { tenant: 'acme', ask: 'carriers', value: 'x' }, 'key');
      const rules = await client.readResource({ uri: 'observebridge://urn-rules' }, CHILD_REQUEST);
      assert.match(String((rules.contents[0] as { text: string }).text), /Resource URNs/);
    });
  });
}
