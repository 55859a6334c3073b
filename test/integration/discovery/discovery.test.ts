import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createApiServer, type ApiServer } from '../../../src/api/server.js';
import { configSchema } from '../../../src/config/schema.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { Dataset, MetricPoint, TelemetryRecord } from '../../../src/core/records.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Window } from '../../../src/core/window.js';
import {
  discoverCarriers,
  discoverCooccurring,
  discoverKeys,
  discoverNames,
  discoverNamespaces,
} from '../../../src/discovery/queries.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../../src/jobs/oo-logs.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { JobRegistry } from '../../../src/jobs/registry.js';
import { silentLogger } from '../../../src/obs/logger.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import type { Source } from '../../../src/sources/source.js';
import { migrate } from '../../../src/db/migrate.js';
import { PgliteDb } from '../../../src/db/pglite-driver.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { repoRoot } from '../../helpers/paths.js';
import { runWindow, seedTenants, tableSnapshot } from '../../helpers/job-harness.js';

const M = 60_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');
const TOKEN = 'disc-token-0123456789abcdef';
const DAY = { from: T0 - 12 * 60 * M, to: T0 + 12 * 60 * M };
const DAY_MS = 24 * 60 * M;
const iso = (ms: number) => new Date(ms).toISOString();

/** A metrics source of `n` points in the window, generated lazily; point `rare` has region=ap-rare-1. */
function metricStream(n: number, rare: number, extra: MetricPoint[] = []): Source {
  const resource = { attrs: { 'service.name': 'edge-proxy', 'host.name': 'edge-1' } };
  return {
    kind: 'gen',
    location: (_t, d: Dataset) => ({ bucket: 'org1', objectKey: d }),
    async *stream(_t, d, w: Window): AsyncIterable<TelemetryRecord> {
      if (d !== 'metrics') return;
      const labels = { region: 'eu-west-1', code: '200' };
      const rareLabels = { region: 'ap-rare-1', code: '200' };
      for (let i = 0; i < n; i++) {
        const ts = w.from + Math.floor((i * (w.to - w.from)) / n);
        yield {
          kind: 'metric',
          ts,
          name: 'proxy_requests',
          value: 1,
          labels: i === rare ? rareLabels : labels,
          resource,
        };
      }
      yield* extra;
    },
  };
}

/** A metrics source whose window `w` yields one point per labels object of `labels(w)`. */
function labelledPoints(labels: (w: Window) => Record<string, string>[]): Source {
  const resource = { attrs: { 'service.name': 'edge-proxy', 'host.name': 'edge-1' } };
  return {
    kind: 'gen',
    location: (_t, d: Dataset) => ({ bucket: 'org1', objectKey: d }),
    async *stream(_t, d, w: Window): AsyncIterable<TelemetryRecord> {
      if (d !== 'metrics') return;
      const all = labels(w);
      for (let i = 0; i < all.length; i++)
        yield { kind: 'metric', ts: w.from + i, name: 'proxy_requests', value: 1, labels: all[i]!, resource };
    },
  };
}

for (const driver of drivers()) {
  describe(`${driver}: attribute discovery as a stage of the summary jobs`, () => {
    let t: TestDb;
    let tenant: Tenant;
    let server: ApiServer;
    const clock = new ManualClock(T0 + 10 * M);
    before(async () => {
      t = await openTestDb(driver);
      tenant = (await seedTenants(t.db, ['acme']))[0]!;
      const src = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 42, scale: 0.2 }));
      const w = { from: T0, to: T0 + 5 * M };
      await runWindow(t.db, ooCallsJob(), tenant, w, src);
      await runWindow(t.db, ooLogsJob(), tenant, w, src);
      for (let m = 0; m < 2; m++)
        await runWindow(t.db, ooMetricsJob(), tenant, { from: T0 + m * M, to: T0 + (m + 1) * M }, src);
      const config = configSchema.parse({ tenants: [{ code: 'acme', source: { kind: 'mock' } }] });
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

    it('records namespaces, names, keys and values of all three signals, per debounce window', async () => {
      const ns = await discoverNamespaces(t.db, { tenantId: tenant.id, ...DAY, signal: null, limit: 1000 });
      assert.deepEqual([...new Set(ns.map((n) => n.signal))].sort(), ['log', 'metric', 'span']);
      assert.ok(ns.some((n) => n.signal === 'span' && n.namespace === 'orders'));
      const windows = await t.db.query<{ w: Date }>('SELECT DISTINCT window_start AS w FROM discovery_name');
      assert.deepEqual(
        windows.rows.map((r) => new Date(r.w).getTime()),
        [T0],
        'one 1h debounce window',
      );
      const spanNames = await discoverNames(t.db, {
        tenantId: tenant.id,
        ...DAY,
        signal: 'span',
        namespace: 'orders',
        limit: 100,
      });
      assert.ok(spanNames.some((n) => n.name === 'shop.OrdersService/CreateOrder'));
      // the span count of a name equals the spans of the window with that service and name
      const api = await get(
        `/api/discovery/names?tenant=acme&signal=span&namespace=orders&since=1d&to=${new Date(DAY.to).toISOString()}`,
      );
      assert.equal(api.status, 200);
      assert.deepEqual(api.json.names, spanNames);
      const keys = await discoverKeys(t.db, {
        tenantId: tenant.id,
        ...DAY,
        signal: 'span',
        namespace: 'orders',
        name: 'shop.OrdersService/CreateOrder',
        key: null,
        values: 5,
      });
      const byKey = new Map(keys.map((k) => [k.key, k]));
      assert.deepEqual(
        byKey.get('rpc.system')!.values.map((v) => v.value),
        ['grpc'],
      );
      assert.equal(byKey.get('user_id')!.values_overflow, 0);
      const user = byKey.get('user_id')!;
      assert.equal(user.values.length, Math.min(5, user.distinct_values));
      // every CreateOrder span carries rpc.system once: the value's count is the name's count
      const name = spanNames.find((n) => n.name === 'shop.OrdersService/CreateOrder')!;
      assert.equal(byKey.get('rpc.system')!.values[0]!.count, name.count);
      assert.equal(user.count, name.count);
      const metrics = await discoverNames(t.db, {
        tenantId: tenant.id,
        ...DAY,
        signal: 'metric',
        namespace: null,
        limit: 1000,
      });
      assert.ok(metrics.length > 3);
      assert.ok(metrics.every((m) => Date.parse(m.first_seen) >= T0 && Date.parse(m.last_seen) < T0 + 2 * M));
    });

    it('carriers and co-occurring keys of a key=value', async () => {
      const carriers = await discoverCarriers(t.db, {
        tenantId: tenant.id,
        ...DAY,
        key: 'k8s.namespace.name',
        value: 'shop',
        signal: null,
        limit: 1000,
      });
      assert.deepEqual([...new Set(carriers.map((c) => c.signal))].sort(), ['log', 'metric', 'span']);
      assert.ok(carriers.every((c) => c.count > 0));
      const co = await discoverCooccurring(t.db, {
        tenantId: tenant.id,
        ...DAY,
        key: 'rpc.method',
        value: 'CreateOrder',
        signal: 'span',
        namespace: null,
        name: null,
        limit: 1000,
      });
      const svc = co.keys.find((k) => k.key === 'service.name');
      assert.ok(svc, JSON.stringify(co.keys.map((k) => k.key)));
      assert.ok(svc.values.some((v) => v.value === 'orders'));
      assert.ok(!co.keys.some((k) => k.key === 'rpc.method'), 'the asked key is not among the others');
      const api = await get(
        `/api/discovery/cooccurring?tenant=acme&key=rpc.method&value=CreateOrder&signal=span&to=${new Date(DAY.to).toISOString()}&since=1d`,
      );
      assert.equal(api.status, 200);
      assert.deepEqual(api.json.keys, co.keys);
      for (const url of [
        '/api/discovery/names?tenant=acme&signal=trace',
        '/api/discovery/keys?tenant=acme&signal=span',
        '/api/discovery/carriers?tenant=acme&key=a&value=b&since=90d',
      ]) {
        assert.equal((await get(url)).status, 400, url);
      }
      assert.equal((await get('/api/discovery/namespaces?tenant=initech')).status, 404);
    });

    it('without `to`, a day before now with no discovery data ends at the newest record; an explicit `to` stays', async () => {
      const last = await t.db.query<{ t: Date }>(
        'SELECT max(last_seen) AS t FROM discovery_name WHERE tenant_id = $1',
        [tenant.id],
      );
      // The span ends at the second after the newest record, so [end − 24h, end) holds it.
      const end = Math.floor(new Date(last.rows[0]!.t).getTime() / 1000) * 1000 + 1000;
      assert.ok(end > T0 && end <= T0 + 5 * M, iso(end));
      clock.set(T0 + 3 * DAY_MS);
      try {
        const r = await get('/api/discovery/namespaces?tenant=acme');
        assert.equal(r.status, 200);
        assert.deepEqual(
          [r.json.span_basis, r.json.from, r.json.to, r.json.newest_data],
          ['newest_data', iso(end - DAY_MS), iso(end), iso(end)],
        );
        const direct = await discoverNamespaces(t.db, {
          tenantId: tenant.id,
          from: end - DAY_MS,
          to: end,
          signal: null,
          limit: 1000,
        });
        assert.deepEqual([...new Set(direct.map((n) => n.signal))].sort(), ['log', 'metric', 'span']);
        assert.deepEqual(r.json.namespaces, JSON.parse(JSON.stringify(direct)));
        const c = await get('/api/discovery/carriers?tenant=acme&key=k8s.namespace.name&value=shop');
        assert.equal(c.json.span_basis, 'newest_data');
        assert.ok((c.json.carriers as unknown[]).length > 0);

        // An explicit range is read as asked, even empty, and still says where the data ends.
        const asked = await get(`/api/discovery/namespaces?tenant=acme&to=${iso(T0 + 3 * DAY_MS)}`);
        assert.deepEqual(
          [asked.json.span_basis, asked.json.to, asked.json.newest_data, asked.json.namespaces],
          ['at', iso(T0 + 3 * DAY_MS), iso(end), []],
        );
      } finally {
        clock.set(T0 + 10 * M);
      }
      const fresh = await get('/api/discovery/namespaces?tenant=acme');
      assert.deepEqual([fresh.json.span_basis, fresh.json.to], ['now', iso(T0 + 10 * M)]);
    });

    it('finds a label value that occurs once in 1,000,000 records (through oo-metrics and the API)', async () => {
      const tn = (await seedTenants(t.db, ['rare']))[0]!;
      const w = { from: T0, to: T0 + M };
      const r = await runWindow(t.db, ooMetricsJob(), tn, w, metricStream(1_000_000, 654_321));
      assert.equal(r.result.recordsRead?.metrics, 1_000_000);
      const carriers = await discoverCarriers(t.db, {
        tenantId: tn.id,
        ...DAY,
        key: 'region',
        value: 'ap-rare-1',
        signal: null,
        limit: 10,
      });
      assert.equal(carriers.length, 1);
      assert.deepEqual(
        [carriers[0]!.namespace, carriers[0]!.name, carriers[0]!.count],
        ['edge-proxy', 'proxy_requests', 1],
      );
      const keys = await discoverKeys(t.db, {
        tenantId: tn.id,
        ...DAY,
        signal: 'metric',
        namespace: 'edge-proxy',
        name: 'proxy_requests',
        key: 'region',
        values: 10,
      });
      assert.deepEqual(
        keys[0]!.values.map((v) => [v.value, v.count]),
        [
          ['eu-west-1', 999_999],
          ['ap-rare-1', 1],
        ],
      );
    });

    it('a re-run of a window counts nothing twice but adds what arrived late', async () => {
      const tn = (await seedTenants(t.db, ['late']))[0]!;
      const w = { from: T0, to: T0 + M };
      await runWindow(t.db, ooMetricsJob(), tn, w, metricStream(1000, -1));
      const snap = await tableSnapshot(t.db, 'discovery_value');
      await runWindow(t.db, ooMetricsJob(), tn, w, metricStream(1000, -1));
      assert.equal(await tableSnapshot(t.db, 'discovery_value'), snap, 'same data, same rows and counts');
      const late: MetricPoint = {
        kind: 'metric',
        ts: T0 + 30_000,
        name: 'proxy_requests',
        value: 1,
        labels: { region: 'sa-late-1', code: '200' },
        resource: { attrs: { 'service.name': 'edge-proxy', 'host.name': 'edge-1' } },
      };
      await runWindow(t.db, ooMetricsJob(), tn, w, metricStream(1000, -1, [late]));
      const keys = await discoverKeys(t.db, {
        tenantId: tn.id,
        ...DAY,
        signal: 'metric',
        namespace: 'edge-proxy',
        name: 'proxy_requests',
        key: 'region',
        values: 10,
      });
      assert.deepEqual(
        keys[0]!.values.map((v) => [v.value, v.count]),
        [
          ['eu-west-1', 1000],
          ['sa-late-1', 1],
        ],
      );
    });

    it('a window whose values are all recorded adds counts but no rows; one new rare value is one new row', async () => {
      const tn = (await seedTenants(t.db, ['again']))[0]!;
      const job = ooMetricsJob(); // one job instance: its discovery cache follows the debounce window
      const win = (m: number) => ({ from: T0 + m * M, to: T0 + (m + 1) * M });
      const rows = async () => {
        const r = await t.db.query<{ t: string; n: number }>(
          `SELECT 'value' AS t, count(*)::int AS n FROM discovery_value WHERE tenant_id = $1
           UNION ALL SELECT 'key', count(*)::int FROM discovery_key WHERE tenant_id = $1
           UNION ALL SELECT 'set', count(*)::int FROM discovery_set WHERE tenant_id = $1
           UNION ALL SELECT 'name', count(*)::int FROM discovery_name WHERE tenant_id = $1`,
          [tn.id],
        );
        return Object.fromEntries(r.rows.map((x) => [x.t, x.n]));
      };
      const versions = async () =>
        (
          await t.db.query<{ v: string }>(
            `SELECT key || '=' || value || '@' || xmin::text AS v FROM discovery_value WHERE tenant_id = $1 ORDER BY 1`,
            [tn.id],
          )
        ).rows.map((r) => r.v);
      const regionCounts = async () =>
        (
          await discoverKeys(t.db, {
            tenantId: tn.id,
            ...DAY,
            signal: 'metric',
            namespace: 'edge-proxy',
            name: 'proxy_requests',
            key: 'region',
            values: 10,
          })
        )[0]!.values.map((v) => [v.value, v.count]);

      await runWindow(t.db, job, tn, win(0), metricStream(1000, -1));
      const first = await rows();
      assert.deepEqual(first, { value: 4, key: 4, set: 1, name: 1 }, 'region, code, service.name, host.name');
      await runWindow(t.db, job, tn, win(1), metricStream(1000, -1));
      assert.deepEqual(await rows(), first, 'nothing new in the second window of the debounce window');
      assert.deepEqual(await regionCounts(), [['eu-west-1', 2000]], 'its records are counted');
      // A re-run of that window changes nothing, so it updates no row at all (same row versions).
      const before = await versions();
      await runWindow(t.db, job, tn, win(1), metricStream(1000, -1));
      assert.deepEqual(await versions(), before);
      await runWindow(t.db, job, tn, win(2), metricStream(1000, 500));
      assert.deepEqual(await rows(), { ...first, value: 5, set: 2 }, 'one new value, and the one new set it is in');
      assert.deepEqual(await regionCounts(), [
        ['eu-west-1', 2999],
        ['ap-rare-1', 1],
      ]);
    });

    it('max_sets_per_name bounds the sets of a name per debounce window; the sets turned away are counted', async () => {
      const tn = (await seedTenants(t.db, ['sets']))[0]!;
      const job = ooMetricsJob();
      const extra = { discovery: { max_sets_per_name: 2 } };
      const routes = (...r: string[]) => labelledPoints(() => r.map((route) => ({ route })));
      await runWindow(t.db, job, tn, { from: T0, to: T0 + M }, routes('/a', '/b'), {}, {}, extra);
      // /a is recorded (its count adds); /c and /d would be the 3rd and 4th sets of the hour
      await runWindow(t.db, job, tn, { from: T0 + M, to: T0 + 2 * M }, routes('/a', '/c', '/d', '/d'), {}, {}, extra);
      const sets = await t.db.query<{ route: string; count: string }>(
        `SELECT attrs->>'route' AS route, count::text FROM discovery_set WHERE tenant_id = $1 ORDER BY 1`,
        [tn.id],
      );
      assert.deepEqual(
        sets.rows.map((r) => [r.route, Number(r.count)]),
        [
          ['/a', 2],
          ['/b', 1],
        ],
      );
      const name = await t.db.query<{ o: string }>(
        'SELECT sets_overflow::text AS o FROM discovery_name WHERE tenant_id = $1',
        [tn.id],
      );
      assert.equal(Number(name.rows[0]!.o), 3, 'the records of /c and /d');
      // every value is still recorded: the cap is on sets, never on values
      const keys = await discoverKeys(t.db, {
        tenantId: tn.id,
        ...DAY,
        signal: 'metric',
        namespace: 'edge-proxy',
        name: 'proxy_requests',
        key: 'route',
        values: 10,
      });
      assert.deepEqual(
        keys[0]!.values.map((v) => [v.value, v.count]),
        [
          ['/a', 2],
          ['/d', 2],
          ['/b', 1],
          ['/c', 1],
        ],
      );
    });

    it('discovery.enabled: false writes nothing', async () => {
      const tn = (await seedTenants(t.db, ['off']))[0]!;
      await runWindow(
        t.db,
        ooMetricsJob(),
        tn,
        { from: T0, to: T0 + M },
        metricStream(10, 3),
        {},
        {},
        { discovery: { enabled: false } },
      );
      const n = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM discovery_name WHERE tenant_id = $1', [
        tn.id,
      ]);
      assert.equal(n.rows[0]!.n, 0);
    });
  });
}

describe('observebridge discover (CLI over a PGlite directory)', () => {
  let dir: string;
  let end: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ob-disc-'));
    const db = await PgliteDb.open(join(dir, 'db'));
    try {
      await migrate(db);
      const [tenant] = await seedTenants(db, ['acme']);
      const src = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 42, scale: 0.2 }));
      await runWindow(db, ooLogsJob(), tenant!, { from: T0, to: T0 + 5 * M }, src);
      const last = await db.query<{ t: Date }>('SELECT max(last_seen) AS t FROM discovery_name');
      end = Math.floor(new Date(last.rows[0]!.t).getTime() / 1000) * 1000 + 1000;
    } finally {
      await db.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const r = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'observebridge.js'), ...args], {
      env: { ...process.env, OBSERVEBRIDGE_LOG_LEVEL: 'silent' },
    });
    return r.stdout;
  };

  it('without --at, data months old is found: the 24h ending at the newest record, said so; --at stays', async () => {
    // The fixture is of 2026-06-10 and the CLI's now the wall clock, far later.
    const db = ['--db', join(dir, 'db'), '--tenant', 'acme'];
    const json = JSON.parse(await run(['discover', 'namespaces', ...db, '--json'])) as {
      span_basis: string;
      to: string;
      newest_data: string;
      namespaces: { signal: string }[];
    };
    assert.deepEqual([json.span_basis, json.to, json.newest_data], ['newest_data', iso(end), iso(end)]);
    assert.ok(json.namespaces.some((n) => n.signal === 'log'));
    const human = await run(['discover', 'names', ...db, '--signal', 'log']);
    assert.equal(
      human.split('\n')[0],
      `span ${iso(end - DAY_MS)} .. ${iso(end)}: the 24h ending at the newest discovery data (nothing in the 24h before now)`,
    );
    assert.match(human.split('\n')[1]!, /^signal\s+namespace\s+name/);
    const asked = JSON.parse(
      await run(['discover', 'namespaces', ...db, '--at', '2026-01-01T00:00:00Z', '--json']),
    ) as {
      span_basis: string;
      namespaces: unknown[];
    };
    assert.deepEqual([asked.span_basis, asked.namespaces], ['at', []]);
  });
});
