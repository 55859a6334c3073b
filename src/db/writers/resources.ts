import type { Attrs } from '../../core/records.js';
import { typeOfUrn } from '../../core/urn.js';
import type { Queryable } from '../types.js';

export interface ResourceInput {
  urn: string;
  type?: string;
  attrs?: Attrs;
  /** Explicit columns (topology extractors know them); otherwise derived from the URN and attrs. */
  name?: string;
  env?: string;
  region?: string;
  zone?: string;
  labels?: Record<string, string>;
}

const SERVICE_TYPES = new Set(['k8s_service', 'service']);
const INSTANCE_KEYS = new Set([
  'service.instance.id',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.ip',
  'k8s.node.name',
  'host.name',
  'host.id',
  'host.ip',
  'container.id',
  'container.name',
  'process.pid',
]);

/** dim_resource columns derived from a URN and its resource attributes. */
export function resourceColumns(r: ResourceInput): {
  type: string;
  name: string;
  env: string | null;
  region: string | null;
  zone: string | null;
  labels: Record<string, string>;
} {
  const a = r.attrs ?? {};
  const str = (k: string): string | null => (a[k] === undefined ? null : String(a[k]));
  const tail = r.urn.replace(/^urn:(?:[a-z0-9_]+:)*/, '');
  const slash = tail.lastIndexOf('/');
  const type = r.type ?? typeOfUrn(r.urn);
  // A service URN stands for every instance of the service: attributes of one instance (pod, node,
  // host) must not become its labels, or the row would hold whichever instance's record inserted
  // it first, which depends on run order (retries, crashes, several workers).
  const skip = SERVICE_TYPES.has(type) ? INSTANCE_KEYS : undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (!skip?.has(k)) labels[k] = String(v);
  return {
    type,
    name: r.name ?? ((slash >= 0 ? tail.slice(slash + 1) : tail) || r.urn),
    env: r.env ?? str('deployment.environment.name') ?? str('deployment.environment'),
    region: r.region ?? str('cloud.region'),
    zone: r.zone ?? str('cloud.availability_zone'),
    labels: r.labels ?? labels,
  };
}

/**
 * Resource ids per (tenant, URN), remembered across windows of this process. Ids learned inside a
 * transaction are staged and become visible only after it commits: a rolled-back insert must not
 * leave a dangling id in the cache.
 */
export class ResourceIdCache {
  readonly #ids = new Map<string, number>();
  readonly #max: number;
  constructor(max = 200_000) {
    this.#max = max;
  }
  get(tenantId: number, urn: string): number | undefined {
    return this.#ids.get(`${tenantId}\u0000${urn}`);
  }
  commit(tenantId: number, ids: ReadonlyMap<string, number>): void {
    if (this.#ids.size + ids.size > this.#max) this.#ids.clear();
    for (const [urn, id] of ids) this.#ids.set(`${tenantId}\u0000${urn}`, id);
  }
  clear(): void {
    this.#ids.clear();
  }
}

const SELECT_IDS = 'SELECT resource_id, urn FROM dim_resource WHERE tenant_id = $1 AND urn = ANY($2::text[])';

const INSERT_MISSING = `
INSERT INTO dim_resource (tenant_id, urn, type, name, env, region, zone, labels, last_seen)
SELECT $1, u.urn, u.type, u.name, u.env, u.region, u.zone, u.labels::jsonb, $9
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS u(urn, type, name, env, region, zone, labels)
ON CONFLICT (tenant_id, urn) DO NOTHING
RETURNING resource_id, urn`;

/**
 * Returns the resource id of every URN, inserting the unknown ones. Known resources are not
 * rewritten (no row churn on every window); `last_seen` is advanced at most once per hour.
 */
export async function upsertResources(
  tx: Queryable,
  tenantId: number,
  resources: Iterable<ResourceInput>,
  seenAt: Date,
  cache?: ResourceIdCache,
): Promise<Map<string, number>> {
  const wanted = new Map<string, ResourceInput>();
  for (const r of resources) if (!wanted.has(r.urn)) wanted.set(r.urn, r);
  const ids = new Map<string, number>();
  const unknown: string[] = [];
  for (const urn of wanted.keys()) {
    const id = cache?.get(tenantId, urn);
    if (id === undefined) unknown.push(urn);
    else ids.set(urn, id);
  }
  if (unknown.length > 0) {
    const found = await tx.query<{ resource_id: number; urn: string }>(SELECT_IDS, [tenantId, unknown]);
    for (const r of found.rows) ids.set(r.urn, r.resource_id);
    // Sorted: concurrent windows of one tenant (oo-metrics, oo-calls, oo-logs of a fresh database)
    // insert overlapping sets of new URNs; each insert waits on the other's uncommitted key, so one
    // order for all of them is what keeps two of them from waiting on each other.
    const missing = unknown.filter((u) => !ids.has(u)).sort();
    if (missing.length > 0) {
      const cols = missing.map((u) => resourceColumns(wanted.get(u)!));
      const ins = await tx.query<{ resource_id: number; urn: string }>(INSERT_MISSING, [
        tenantId,
        missing,
        cols.map((c) => c.type),
        cols.map((c) => c.name),
        cols.map((c) => c.env),
        cols.map((c) => c.region),
        cols.map((c) => c.zone),
        cols.map((c) => JSON.stringify(c.labels)),
        seenAt,
      ]);
      for (const r of ins.rows) ids.set(r.urn, r.resource_id);
      const raced = missing.filter((u) => !ids.has(u));
      if (raced.length > 0) {
        // Another process inserted them concurrently (ON CONFLICT waited for it): read them back.
        const again = await tx.query<{ resource_id: number; urn: string }>(SELECT_IDS, [tenantId, raced]);
        for (const r of again.rows) ids.set(r.urn, r.resource_id);
      }
    }
  }
  if (ids.size > 0) {
    await tx.query(
      `UPDATE dim_resource SET last_seen = $3 WHERE tenant_id = $1 AND resource_id = ANY($2::bigint[])
         AND (last_seen IS NULL OR last_seen < $3::timestamptz - interval '1 hour')`,
      [tenantId, [...ids.values()], seenAt],
    );
  }
  return ids;
}
