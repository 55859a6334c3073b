/** Seeding helpers for the graph tests: tenants, resources and service_call_5m rows with sketches. */
import { QuantileSketch } from '../../../src/agg/sketch.js';
import type { Window } from '../../../src/core/window.js';
import { parseAgeRefreshOptions } from '../../../src/db/graph/options.js';
import { refreshActiveGraph, type GraphRefreshResult } from '../../../src/db/graph/refresh.js';
import type { Db, Queryable } from '../../../src/db/types.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';

export const T = Date.parse('2024-03-01T10:00:00Z');
export const MIN = 60_000;
/** The refresh window ending at `to`. */
export const win = (to: number): Window => ({ from: to - 5 * MIN, to });

export async function seedTenant(db: Queryable, code: string): Promise<number> {
  const r = await db.query<{ tenant_id: number }>(
    'INSERT INTO dim_tenant(code, name) VALUES ($1, $1) RETURNING tenant_id',
    [code],
  );
  return r.rows[0]!.tenant_id;
}

/** Inserts resources `urn:k8s:svc:default/<name>` (type k8s_service); returns name → id. */
export async function seedResources(db: Queryable, tenantId: number, names: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const n of names) {
    const r = await db.query<{ resource_id: number }>(
      `INSERT INTO dim_resource(tenant_id, urn, type, name) VALUES ($1, $2, 'k8s_service', $3) RETURNING resource_id`,
      [tenantId, urnOf(n), n],
    );
    ids.set(n, r.rows[0]!.resource_id);
  }
  return ids;
}

export const urnOf = (name: string): string => `urn:k8s:svc:default/${name}`;

export interface CallInput {
  bucket: number;
  src: number;
  dst: number;
  latencies: number[];
  errors?: number;
}

/** service_call_5m rows as oo-calls writes them: counts, rps per 300 s, p50/p95 and the sketch. */
export async function insertCalls(db: Queryable, tenantId: number, rows: CallInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db.copyRows(
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
    rows.map((c) => {
      const s = new QuantileSketch();
      for (const v of c.latencies) s.add(v);
      const calls = c.latencies.length;
      const errors = c.errors ?? 0;
      return [
        new Date(c.bucket),
        tenantId,
        c.src,
        c.dst,
        calls / 300,
        calls > 0 ? errors / calls : 0,
        s.quantile(0.5),
        s.quantile(0.95),
        calls,
        errors,
        s.toBytes(),
      ];
    }),
  );
}

/** Runs the refresh in its own transaction, as the job does. */
export function refresh(
  db: Db,
  tenantId: number,
  to: number,
  options: Record<string, unknown> = {},
  age = false,
): Promise<GraphRefreshResult> {
  const opts = parseAgeRefreshOptions(options);
  return db.transaction((tx) => refreshActiveGraph(tx, tenantId, win(to), opts, age));
}

export interface EdgeState {
  src: number;
  dst: number;
  first_seen: string;
  last_seen: string;
  calls: number;
  errors: number;
  rps: number;
  err_rate: number;
  p95_ms: number | null;
}

export async function relationalEdges(db: Queryable, tenantId: number): Promise<EdgeState[]> {
  const r = await db.query<EdgeState & { first_seen: Date; last_seen: Date }>(
    `SELECT src_resource_id AS src, dst_resource_id AS dst, first_seen, last_seen, calls, errors, rps, err_rate, p95_ms
       FROM graph_active_edge WHERE tenant_id = $1 ORDER BY src_resource_id, dst_resource_id`,
    [tenantId],
  );
  return r.rows.map((x) => ({
    ...x,
    first_seen: new Date(x.first_seen).toISOString(),
    last_seen: new Date(x.last_seen).toISOString(),
  }));
}

/** A deterministic pseudo-random generator for bigger fixtures. */
export function prng(seed: number): () => number {
  return seededRandom(seed);
}

/**
 * A fixture call graph for query tests: a chain with a branch, a diamond and a cycle.
 *   web → api → orders → db ; api → users → db ; orders → payments → bank ; payments → orders (cycle)
 *   web → cdn ; batch → orders
 */
export const FIXTURE_EDGES: [string, string][] = [
  ['web', 'api'],
  ['api', 'orders'],
  ['api', 'users'],
  ['orders', 'db'],
  ['users', 'db'],
  ['orders', 'payments'],
  ['payments', 'bank'],
  ['payments', 'orders'],
  ['web', 'cdn'],
  ['batch', 'orders'],
];
export const FIXTURE_NAMES = ['web', 'api', 'orders', 'users', 'db', 'payments', 'bank', 'cdn', 'batch', 'idle'];

/** Seeds the fixture graph for a tenant with calls in the two buckets before T. */
export async function seedFixtureGraph(db: Queryable, tenantId: number): Promise<Map<string, number>> {
  const ids = await seedResources(db, tenantId, FIXTURE_NAMES);
  const rows: CallInput[] = [];
  FIXTURE_EDGES.forEach(([a, b], i) => {
    rows.push({
      bucket: T - 10 * MIN,
      src: ids.get(a)!,
      dst: ids.get(b)!,
      latencies: [5 + i, 10 + i, 40 + i],
      errors: i % 2,
    });
    if (i % 3 !== 0) rows.push({ bucket: T - 5 * MIN, src: ids.get(a)!, dst: ids.get(b)!, latencies: [7 + i, 90 + i] });
  });
  await insertCalls(db, tenantId, rows);
  return ids;
}
