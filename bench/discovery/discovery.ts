/**
 * Discovery benchmark (issue 15 B):
 * - `collect-mock`: records/s of DiscoveryCollector on one core over ~1M mock records of all three
 *   signals (four 5-minute windows at scale 8: logs, spans, metrics). Records are generated per
 *   window before timing; only `add` + `finish` are timed. Target: ≥ 1.6 M records/minute.
 * - `collect-1m-unique`: 1M metric points whose `request_id` label is unique per point: time, and the
 *   heap the collector holds afterwards (bounded by the caps, not by the 1M values).
 * - `api-*`: latency of GET /api/discovery/… (fastify inject, in-process: handler, validation, SQL,
 *   serialization; no socket) on 30 days of 1-hour debounce windows for 3 tenants. One hour of mock
 *   data per tenant is collected and written through the real writer, then copied to the other
 *   hours in SQL. p50/p95 over `--requests` sequential requests per route. Target: p95 < 100 ms.
 *
 *   npm run bench -- discovery [--db pglite,postgres] [--days 30] [--pglite-days 3] [--scale 0.05] [--requests 200] [--skip-api 1]
 */
import { createApiServer } from '../../src/api/server.js';
import { configSchema } from '../../src/config/schema.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Dataset, TelemetryRecord } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import { syncTenants } from '../../src/db/tenants.js';
import type { Db } from '../../src/db/types.js';
import { DiscoveryCollector, SIGNAL_OF, type CollectorOptions, type Signal } from '../../src/discovery/collector.js';
import { writeDiscovery } from '../../src/discovery/store.js';
import { JobRegistry } from '../../src/jobs/registry.js';
import { silentLogger } from '../../src/obs/logger.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { listFlag, numberFlag, parseFlags } from '../lib/args.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import { appendRecords, runInfo, toRecords, type DbKind, type Measurement } from '../lib/record.js';

const H = 3_600_000;
const FIVE = 300_000;
const T0 = Date.parse('2026-06-10T00:00:00Z');
const OPTS: CollectorOptions = {
  debounceMs: H,
  maxValuesPerKey: 10_000,
  maxKeysPerName: 256,
  maxSetsPerName: 200,
  maxNames: 20_000,
};
const DATASETS: Dataset[] = ['logs', 'traces', 'metrics'];

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function windowRecords(
  src: MockSource,
  code: string,
  w: { from: number; to: number },
): Promise<TelemetryRecord[][]> {
  const tenant = { id: 1, code, name: code };
  const out: TelemetryRecord[][] = [];
  for (const d of DATASETS) {
    const recs: TelemetryRecord[] = [];
    for await (const r of src.stream(tenant, d, w, new RejectStats())) recs.push(r);
    out.push(recs);
  }
  return out;
}

async function collectMock(): Promise<Measurement[]> {
  const src = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 42, scale: 8 }));
  let records = 0;
  let ms = 0;
  for (let i = 0; i < 4; i++) {
    const w = { from: T0 + i * FIVE, to: T0 + (i + 1) * FIVE };
    const sets = await windowRecords(src, 'acme', w);
    gc();
    const t0 = performance.now();
    for (const recs of sets) {
      const c = new DiscoveryCollector(SIGNAL_OF[recs[0]!.kind], OPTS);
      for (const r of recs) c.add(r);
      c.finish();
      records += recs.length;
    }
    ms += performance.now() - t0;
  }
  const perS = records / (ms / 1000);
  return [
    { case: 'collect-mock', metric: 'records_per_s', value: perS, unit: 'rec/s', note: `${records} records, one core` },
    { case: 'collect-mock', metric: 'records_per_min', value: perS * 60, unit: 'rec/min', note: 'target ≥ 1.6M/min' },
  ];
}

function collectUnique(): Measurement[] {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const resource = { attrs: { 'service.name': 'edge-proxy', 'host.name': 'edge-1' } };
  const c = new DiscoveryCollector('metric', OPTS);
  const t0 = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    c.add({
      kind: 'metric',
      ts: T0 + (i % 3_000_000),
      name: 'proxy_requests',
      value: 1,
      labels: { region: i === 500_000 ? 'ap-rare-1' : 'eu-west-1', request_id: `r${i}` },
      resource,
    });
  }
  const out = c.finish();
  const ms = performance.now() - t0;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const e = out.names[0]!;
  if (e.keys.get('region')?.values.get('ap-rare-1')?.count !== 1) throw new Error('bench: the rare value was lost');
  return [
    { case: 'collect-1m-unique', metric: 'records_per_s', value: 1e6 / (ms / 1000), unit: 'rec/s' },
    {
      case: 'collect-1m-unique',
      metric: 'heap_held',
      value: heapMb,
      unit: 'MB',
      note: `request_id: ${e.keys.get('request_id')!.values.size} values kept, ${e.keys.get('request_id')!.valuesOverflow} overflowed`,
    },
  ];
}

/** One hour of mock discovery per tenant, written through the real writer, copied to `days` × 24 hours. */
export async function fill(
  db: Db,
  tenants: { id: number; code: string }[],
  days: number,
  scale: number,
): Promise<number> {
  const src = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 42, scale }));
  const last = T0 + days * 24 * H - H;
  const t0 = performance.now();
  const phase = (what: string) =>
    console.error(`discovery fill: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const t of tenants) {
    const cols = new Map<Signal, DiscoveryCollector>();
    for (let i = 0; i < 12; i++) {
      const w = { from: last + i * FIVE, to: last + (i + 1) * FIVE };
      for (const recs of await windowRecords(src, t.code, w)) {
        for (const r of recs) {
          const s = SIGNAL_OF[r.kind];
          let c = cols.get(s);
          if (!c) cols.set(s, (c = new DiscoveryCollector(s, OPTS)));
          c.add(r);
        }
      }
    }
    await db.transaction(async (tx) => {
      for (const c of cols.values()) await writeDiscovery(tx, t.id, { from: last }, c.finish());
    });
  }
  // The other hours: one INSERT … SELECT per table and day, with plain column lists (the times
  // shifted by h hours), server-side — no per-row jsonb round trip.
  phase('one hour written');
  const hours = days * 24 - 1;
  const TIMES = new Set(['window_start', 'first_seen', 'last_seen']);
  const tables = ['discovery_name', 'discovery_key', 'discovery_value', 'discovery_set'];
  // Keys, foreign keys and indexes are built once after the fill (a sort each), not row by row: the
  // row-by-row upkeep (a 7-column text key, a GIN index, an RI trigger per row) was most of the time.
  const cons = (
    await db.query<{ tbl: string; name: string; def: string }>(
      "SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ANY(SELECT (current_schema() || '.' || t)::regclass FROM unnest($1::text[]) AS t) AND contype IN ('p', 'f') ORDER BY contype DESC",
      [tables],
    )
  ).rows;
  const idx = (
    await db.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) AND indexname NOT LIKE '%_pkey'",
      [tables],
    )
  ).rows;
  for (const i of idx) await db.query(`DROP INDEX ${i.indexname}`);
  for (const c of [...cons].reverse()) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`);
  for (const table of tables) {
    const cols = (
      await db.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position',
        [table],
      )
    ).rows.map((r) => r.column_name);
    const select = cols.map((c) => (TIMES.has(c) ? `${c} - make_interval(hours => h)` : c)).join(', ');
    const insert = `INSERT INTO ${table} (${cols.join(', ')}) SELECT ${select} FROM ${table} CROSS JOIN generate_series($1::int, $2::int) AS h WHERE window_start = $3::timestamptz`;
    for (let h = 1; h <= hours; h += 24) await db.query(insert, [h, Math.min(hours, h + 23), new Date(last)]);
  }
  phase('hours copied');
  await db.transaction(async (tx) => {
    // Each key and index is one sort: let it sort in memory (the default 64 MB spills to disk).
    await tx.query("SET LOCAL maintenance_work_mem = '256MB'");
    for (const c of cons) await tx.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`);
    for (const i of idx) await tx.query(i.indexdef);
  });
  phase('indexes built');
  // VACUUM too: autovacuum would after such inserts, and index-only scans need the visibility map.
  for (const table of tables) await db.query(`VACUUM ANALYZE ${table}`);
  phase('vacuumed');
  const n = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM discovery_value');
  return Number(n.rows[0]!.n);
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
}

async function apiCases(kind: DbKind, days: number, scale: number, requests: number): Promise<Measurement[]> {
  const b = await openBenchDb(kind);
  try {
    const codes = ['acme', 'globex', 'initech'];
    const tenants = await syncTenants(
      b.db,
      codes.map((code) => ({ code, name: code })),
    );
    const t0 = performance.now();
    const values = await fill(b.db, tenants, days, scale);
    const loadS = (performance.now() - t0) / 1000;
    const config = configSchema.parse({ tenants: codes.map((code) => ({ code, source: { kind: 'mock' } })) });
    const end = T0 + days * 24 * H;
    const server = createApiServer({
      db: b.db,
      registry: JobRegistry.create([], config),
      clock: new ManualClock(end),
      config,
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false }),
      token: 'bench-token-0123456789',
      attachMetrics: false,
    });
    const routes: [string, (tenant: string) => string][] = [
      ['api-namespaces-24h', (t) => `/api/discovery/namespaces?tenant=${t}`],
      ['api-namespaces-30d', (t) => `/api/discovery/namespaces?tenant=${t}&since=${days}d`],
      ['api-names-24h', (t) => `/api/discovery/names?tenant=${t}&signal=span&namespace=orders`],
      [
        'api-keys-24h',
        (t) =>
          `/api/discovery/keys?tenant=${t}&signal=span&namespace=orders&name=${encodeURIComponent('shop.OrdersService/CreateOrder')}`,
      ],
      ['api-carriers-24h', (t) => `/api/discovery/carriers?tenant=${t}&key=k8s.namespace.name&value=shop`],
      [
        'api-carriers-30d',
        (t) => `/api/discovery/carriers?tenant=${t}&key=k8s.namespace.name&value=shop&since=${days}d`,
      ],
      [
        'api-cooccurring-24h',
        (t) => `/api/discovery/cooccurring?tenant=${t}&key=rpc.method&value=CreateOrder&signal=span`,
      ],
    ];
    const ms: Measurement[] = [
      {
        case: 'api-data',
        metric: 'discovery_value_rows',
        value: values,
        unit: 'rows',
        db: kind,
        note: `${days} d × 24 h × 3 tenants, mock scale ${scale}`,
      },
      { case: 'api-data', metric: 'load_seconds', value: loadS, unit: 's', db: kind },
    ];
    for (const [name, url] of routes) {
      const lat: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t = codes[i % codes.length]!;
        const s = performance.now();
        const r = await server.app.inject({
          method: 'GET',
          url: url(t),
          headers: { authorization: 'Bearer bench-token-0123456789' },
        });
        lat.push(performance.now() - s);
        if (r.statusCode !== 200) throw new Error(`bench: ${url(t)} → ${r.statusCode} ${r.body.slice(0, 200)}`);
      }
      ms.push(
        { case: name, metric: 'p50_ms', value: pct(lat, 0.5), unit: 'ms', db: kind },
        { case: name, metric: 'p95_ms', value: pct(lat, 0.95), unit: 'ms', db: kind, note: 'target < 100 ms' },
      );
    }
    await server.stop();
    return ms;
  } finally {
    await b.close();
  }
}

export async function runDiscoveryBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['db', 'days', 'pglite-days', 'scale', 'requests', 'skip-api']);
  const info = runInfo();
  const ms: Measurement[] = [...(await collectMock()), ...collectUnique()];
  if (flags['skip-api'] !== '1') {
    for (const kind of benchDbKinds(listFlag(flags, 'db'))) {
      const days = kind === 'pglite' ? numberFlag(flags, 'pglite-days', 3) : numberFlag(flags, 'days', 30);
      ms.push(...(await apiCases(kind, days, numberFlag(flags, 'scale', 0.05), numberFlag(flags, 'requests', 200))));
    }
  }
  appendRecords('discovery', toRecords('discovery', ms, info));
  return ms;
}
