/**
 * HTTP API benchmark: requests/s and latency percentiles of GET /api/services/{urn}/dependencies
 * (typical query 1) on a database holding `days` of 5-minute call rows for `edges` edges
 * (30 d × 288 × 200 = 1,728,000 rows on the server), with a load generator in a second process
 * (bench/api/load.ts: keep-alive connections over loopback, bounded by count and time).
 *
 *   node dist/bench/api/api.js [--db pglite,postgres] [--days 30] [--pglite-days 3] [--edges 200]
 *        [--seconds 10] [--concurrency 8]
 *   npm run bench -- api
 *
 * Cases: `deps-30m` (the typical query: 6 buckets per edge) and `deps-24h` (288 buckets per edge),
 * each over HTTP from the load process, and `deps-sql-30m`: the same query in-process without HTTP
 * (sequential), to tell the SQL and sketch-merge cost from the HTTP cost. PGlite holds fewer days
 * (`--pglite-days`, default 3): one WASM connection loading 1.7M rows takes long and the query
 * only reads the newest buckets either way (bounded by idx_call_tenant_bucket).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QuantileSketch } from '../../src/agg/sketch.js';
import { createApiServer } from '../../src/api/server.js';
import { configSchema } from '../../src/config/schema.js';
import { ManualClock } from '../../src/core/clock.js';
import { topDependencies } from '../../src/db/queries/dependencies.js';
import { syncTenants } from '../../src/db/tenants.js';
import type { Db } from '../../src/db/types.js';
import { builtInJobs } from '../../src/jobs/index.js';
import { JobRegistry } from '../../src/jobs/registry.js';
import { silentLogger } from '../../src/obs/logger.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { listFlag, numberFlag, parseFlags } from '../lib/args.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import { appendRecords, runInfo, toRecords, type DbKind, type Measurement } from '../lib/record.js';
import { formatTable } from '../lib/table.js';
import type { LoadArgs, LoadResult } from './load.js';

const FIVE_MIN = 300_000;
/** The data ends here (aligned); the server's clock stands just after it. */
const END = Date.parse('2026-06-10T12:00:00Z');
const SERVICES = 20;
const DEPENDENCIES = 50;

interface Fixture {
  tenantId: number;
  services: string[];
  rows: number;
  loadSeconds: number;
}

/** A few latency distributions, serialized once; rows pick one each. */
function sketches(): { bytes: Uint8Array[]; p50: number[]; p95: number[] } {
  const out = { bytes: [] as Uint8Array[], p50: [] as number[], p95: [] as number[] };
  for (let k = 0; k < 8; k++) {
    const s = new QuantileSketch();
    const base = 5 + k * 7;
    for (let i = 0; i < 400; i++) s.add(base * (1 + ((i * 7919) % 1000) / 250) + (i % 50 === 0 ? base * 20 : 0));
    out.bytes.push(s.toBytes());
    out.p50.push(s.quantile(0.5));
    out.p95.push(s.quantile(0.95));
  }
  return out;
}

export async function buildFixture(db: Db, days: number, edges: number): Promise<Fixture> {
  const [tenant] = await syncTenants(db, [{ code: 'bench' }]);
  const tenantId = tenant!.id;
  const urns = [
    ...Array.from({ length: SERVICES }, (_, i) => `urn:k8s:svc:shop/svc-${i}`),
    ...Array.from({ length: DEPENDENCIES }, (_, j) => `urn:k8s:svc:shop/dep-${j}`),
  ];
  const ids = await db.query<{ urn: string; resource_id: number }>(
    `INSERT INTO dim_resource(tenant_id, urn, type, name)
     SELECT $1, u, 'service', u FROM unnest($2::text[]) AS u RETURNING urn, resource_id`,
    [tenantId, urns],
  );
  const id = new Map(ids.rows.map((r) => [r.urn, r.resource_id]));
  const src: number[] = [];
  const dst: number[] = [];
  const perService = Math.ceil(edges / SERVICES);
  for (let e = 0; e < edges; e++) {
    const i = e % SERVICES;
    const k = Math.floor(e / SERVICES);
    src.push(id.get(urns[i]!)!);
    dst.push(id.get(urns[SERVICES + ((i * 7 + k) % DEPENDENCIES)]!)!);
  }
  if (perService > DEPENDENCIES) throw new Error('bench: too many edges per service');
  const sk = sketches();
  const buckets = Math.round((days * 86_400_000) / FIVE_MIN);
  const sql = readFileSync(new URL('./generate.sql', import.meta.url), 'utf8');
  const t0 = performance.now();
  // One statement per day keeps each transaction (and PGlite's memory) bounded.
  const perDay = 288;
  for (let from = 0; from < buckets; from += perDay) {
    const n = Math.min(perDay, buckets - from);
    await db.query(sql, [
      tenantId,
      new Date(END - from * FIVE_MIN).toISOString(),
      n,
      sk.bytes,
      sk.p50,
      sk.p95,
      src,
      dst,
    ]);
  }
  await db.exec('ANALYZE service_call_5m; ANALYZE dim_resource');
  const loadSeconds = (performance.now() - t0) / 1000;
  const rows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM service_call_5m')).rows[0]!.n;
  return { tenantId, services: urns.slice(0, SERVICES), rows, loadSeconds };
}

function runLoad(args: LoadArgs): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load.js', import.meta.url)), [JSON.stringify(args)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), args.durationMs + args.warmupMs + 60_000);
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => {
      clearTimeout(deadline);
      if (m.ok && m.result) resolve(m.result);
      else reject(new Error(`load generator: ${m.error ?? 'failed'}`));
    });
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`load generator exited with ${code}`));
    });
  });
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function benchOne(kind: DbKind, o: { days: number; edges: number; seconds: number; concurrency: number }) {
  const out: Measurement[] = [];
  const bdb = await openBenchDb(kind);
  try {
    const f = await buildFixture(bdb.db, o.days, o.edges);
    const note = `${f.rows} rows (${o.days} d × 288 × ${o.edges} edges), ${o.concurrency} connections`;
    out.push({ case: 'load', db: kind, metric: 'rows', value: f.rows, unit: 'count', note });
    out.push({ case: 'load', db: kind, metric: 'seconds', value: f.loadSeconds, unit: 's', note });

    const config = configSchema.parse({ tenants: [{ code: 'bench', source: { kind: 'mock' } }] });
    const clock = new ManualClock(END + 60_000);
    const server = createApiServer({
      db: bdb.db,
      registry: JobRegistry.create(builtInJobs(), config),
      clock,
      config,
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false }),
      token: 'bench',
    });
    const { port } = await server.start('127.0.0.1:0');
    try {
      // The same query without HTTP: SQL + sketch merge only, one at a time.
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await topDependencies(bdb.db, {
          tenantId: f.tenantId,
          urn: f.services[i % f.services.length]!,
          now: clock.now(),
          since: 30 * 60_000,
          limit: 5,
        });
        if (i >= 20) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out.push({ case: 'deps-sql-30m', db: kind, metric: 'p50', value: pct(times, 0.5), unit: 'ms', note });
      out.push({ case: 'deps-sql-30m', db: kind, metric: 'p99', value: pct(times, 0.99), unit: 'ms', note });

      for (const since of ['30m', '24h']) {
        const paths = f.services.map(
          (s) => `/api/services/${encodeURIComponent(s)}/dependencies?tenant=bench&since=${since}&limit=5`,
        );
        const r = await runLoad({
          port,
          paths,
          concurrency: o.concurrency,
          durationMs: o.seconds * 1000,
          maxRequests: 1_000_000,
          warmupMs: 1_000,
        });
        const c = `deps-${since}`;
        out.push({ case: c, db: kind, metric: 'requests_per_sec', value: r.requestsPerSec, unit: 'req/s', note });
        out.push({ case: c, db: kind, metric: 'p50', value: r.p50Ms, unit: 'ms', note });
        out.push({ case: c, db: kind, metric: 'p99', value: r.p99Ms, unit: 'ms', note });
        out.push({ case: c, db: kind, metric: 'errors', value: r.errors, unit: 'count', note });
        out.push({ case: c, db: kind, metric: 'requests', value: r.requests, unit: 'count', note });
      }
    } finally {
      await server.stop();
    }
  } finally {
    await bdb.close();
  }
  return out;
}

/** Runs the cases on each database kind and returns the measurements (the dispatcher records them). */
export async function runApiBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['db', 'days', 'pglite-days', 'edges', 'seconds', 'concurrency']);
  const days = numberFlag(flags, 'days', 30);
  const pgliteDays = numberFlag(flags, 'pglite-days', 3);
  const edges = numberFlag(flags, 'edges', 200);
  const seconds = numberFlag(flags, 'seconds', 10);
  const concurrency = numberFlag(flags, 'concurrency', 8);
  const out: Measurement[] = [];
  for (const kind of benchDbKinds(listFlag(flags, 'db'))) {
    process.stderr.write(`api bench: ${kind}: generating data…\n`);
    out.push(...(await benchOne(kind, { days: kind === 'pglite' ? pgliteDays : days, edges, seconds, concurrency })));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ms = await runApiBench(process.argv.slice(2));
  process.stdout.write(formatTable(ms) + '\n');
  appendRecords('api', toRecords('api', ms, runInfo()));
}
