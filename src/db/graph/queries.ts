/**
 * Graph queries on the active call graph, the same results on both backends: impact (callers and
 * dependencies within k hops), the shortest call path between two URNs, and the whole active graph
 * of a tenant. Used by `observebridge graph` and the HTTP read API.
 */
import { ObserveBridgeError } from '../../core/errors.js';
import { isEnabled } from '../capabilities.js';
import type { Db, Queryable } from '../types.js';
import { ageReader } from './age-reader.js';
import { enterAge } from './age-session.js';
import { DEFAULT_GRAPH, graphName, type GraphName } from './graph-name.js';
import { nodesOnShortestPaths, pickShortestPath } from './path-pick.js';
import { relationalReader, type Direction, type EdgeRow, type GraphReader, type ResourceRow } from './reader.js';

export type { Direction } from './reader.js';

export interface GraphNode {
  /** dim_resource.resource_id */
  id: number;
  urn: string;
  type: string;
}

/** A CALLS edge with its 10-minute figures; `src`/`dst` are URNs. */
export interface GraphEdge {
  src: string;
  dst: string;
  calls: number;
  errors: number;
  rps: number;
  err_rate: number;
  p95_ms: number | null;
  first_seen: string;
  last_seen: string;
}

export interface GraphStructEdge {
  src: string;
  dst: string;
  relation: string;
}

/** `graph show --json`. Nodes are the ends of the active edges, sorted by URN. */
export interface ActiveGraph {
  tenant: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Only with `withTopology`: the mirrored topology edges ([:STRUCT {relation}]). */
  struct_edges?: GraphStructEdge[];
}

export interface ImpactNode extends GraphNode {
  /** Fewest CALLS edges between this resource and the queried one. */
  hops: number;
}

export interface ImpactResult {
  tenant: string;
  urn: string;
  hops: number;
  /** Resources that call `urn` directly or transitively (sorted by hops, then URN). */
  upstream?: ImpactNode[];
  /** Resources `urn` calls directly or transitively. */
  downstream?: ImpactNode[];
}

export interface PathResult {
  tenant: string;
  from: string;
  to: string;
  /** Edges on the path; null when `to` cannot be reached within `maxHops`. */
  hops: number | null;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type GraphBackendChoice = 'auto' | 'relational' | 'age';

export interface GraphReadOptions {
  /** `auto`: AGE when the capability is enabled and the graph exists. @defaultValue 'auto' */
  backend?: GraphBackendChoice;
  /** @defaultValue 'ops' */
  graph?: string;
}

export const MAX_IMPACT_HOPS = 10;
export const MAX_PATH_HOPS = 32;

/** A query that names something the database does not have (unknown tenant or URN, bad bound). */
export class GraphQueryError extends ObserveBridgeError {}

async function ageGraphExists(q: Queryable, g: GraphName): Promise<boolean> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_catalog.pg_namespace n
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
      WHERE n.nspname = $1 AND c.relname = 'CALLS'`,
    [g],
  );
  return (r.rows[0]?.n ?? 0) > 0;
}

/** Runs `fn` with the backend's reader (AGE reads run in a transaction that has loaded AGE). */
export async function withGraphReader<T>(
  db: Db,
  opts: GraphReadOptions,
  fn: (reader: GraphReader, q: Queryable) => Promise<T>,
): Promise<T> {
  const choice = opts.backend ?? 'auto';
  const g = graphName(opts.graph ?? DEFAULT_GRAPH, 'graph');
  let age = choice === 'age';
  if (choice === 'auto') age = (await isEnabled(db, 'age')) && (await ageGraphExists(db, g));
  if (!age) return fn(relationalReader(db), db);
  return db.transaction(async (tx) => {
    await enterAge(tx);
    return fn(ageReader(tx, g), tx);
  });
}

export async function tenantIdOf(q: Queryable, code: string): Promise<number> {
  const r = await q.query<{ tenant_id: number }>('SELECT tenant_id FROM dim_tenant WHERE code = $1', [code]);
  const id = r.rows[0]?.tenant_id;
  if (id === undefined) throw new GraphQueryError('unknown_tenant', `graph: unknown tenant '${code}'`);
  return id;
}

/** URNs resolve through dim_resource on both backends (the AGE vertices mirror it). */
export async function resourceIdOf(q: Queryable, tenantId: number, urn: string): Promise<number> {
  const r = await q.query<{ resource_id: number }>(
    'SELECT resource_id FROM dim_resource WHERE tenant_id = $1 AND urn = $2',
    [tenantId, urn],
  );
  const id = r.rows[0]?.resource_id;
  if (id === undefined) throw new GraphQueryError('unknown_urn', `graph: no resource '${urn}' in this tenant`);
  return id;
}

function checkHops(n: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GraphQueryError('bad_hops', `graph: ${what} must be an integer from 1 to ${max} (got ${n})`);
  }
  return n;
}

function byUrn<T extends { urn: string }>(a: T, b: T): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}

async function impactSide(
  reader: GraphReader,
  tenantId: number,
  start: number,
  direction: Direction,
  hops: number,
): Promise<ImpactNode[]> {
  const dist = await reader.hopDistances(tenantId, start, direction, hops);
  const res = await reader.resources(tenantId, [...dist.keys()]);
  return res
    .map((r) => ({ id: Number(r.id), urn: r.urn, type: r.type, hops: dist.get(Number(r.id)) ?? 0 }))
    .sort((a, b) => a.hops - b.hops || byUrn(a, b));
}

/** Upstream callers and/or downstream dependencies of `urn` within `hops` (default 3) edges. */
export async function graphImpact(
  db: Db,
  q: { tenant: string; urn: string; hops?: number; direction?: Direction | 'both' },
  opts: GraphReadOptions = {},
): Promise<ImpactResult> {
  const hops = checkHops(q.hops ?? 3, MAX_IMPACT_HOPS, 'hops');
  const direction = q.direction ?? 'both';
  return withGraphReader(db, opts, async (reader, conn) => {
    const tenantId = await tenantIdOf(conn, q.tenant);
    const start = await resourceIdOf(conn, tenantId, q.urn);
    const out: ImpactResult = { tenant: q.tenant, urn: q.urn, hops };
    if (direction !== 'down') out.upstream = await impactSide(reader, tenantId, start, 'up', hops);
    if (direction !== 'up') out.downstream = await impactSide(reader, tenantId, start, 'down', hops);
    return out;
  });
}

function toEdge(e: EdgeRow, urn: ReadonlyMap<number, string>): GraphEdge {
  return {
    src: urn.get(Number(e.src)) ?? String(e.src),
    dst: urn.get(Number(e.dst)) ?? String(e.dst),
    calls: Number(e.calls),
    errors: Number(e.errors),
    rps: Number(e.rps),
    err_rate: Number(e.err_rate),
    p95_ms: e.p95_ms === null ? null : Number(e.p95_ms),
    first_seen: e.first_seen,
    last_seen: e.last_seen,
  };
}

function nodeMap(rows: readonly ResourceRow[]): Map<number, GraphNode> {
  return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), urn: r.urn, type: r.type }]));
}

/**
 * The shortest call path from `from` to `to` along active CALLS edges (within `maxHops`, default 10).
 * When several are equally short, the one with the smallest sequence of URNs (the same on both backends).
 */
export async function graphPath(
  db: Db,
  q: { tenant: string; from: string; to: string; maxHops?: number },
  opts: GraphReadOptions = {},
): Promise<PathResult> {
  const maxHops = checkHops(q.maxHops ?? 10, MAX_PATH_HOPS, 'max hops');
  return withGraphReader(db, opts, async (reader, conn) => {
    const tenantId = await tenantIdOf(conn, q.tenant);
    const from = await resourceIdOf(conn, tenantId, q.from);
    const to = await resourceIdOf(conn, tenantId, q.to);
    const base = { tenant: q.tenant, from: q.from, to: q.to };
    if (from === to) {
      const nodes = [...nodeMap(await reader.resources(tenantId, [from])).values()];
      return { ...base, hops: 0, nodes, edges: [] };
    }
    const forward = await reader.hopDistances(tenantId, from, 'down', maxHops);
    const length = forward.get(to);
    if (length === undefined) return { ...base, hops: null, nodes: [], edges: [] };
    const backward = await reader.hopDistances(tenantId, to, 'up', length);
    const candidates = nodesOnShortestPaths(from, to, length, forward, backward);
    const nodes = nodeMap(await reader.resources(tenantId, candidates));
    const edges = await reader.edges(tenantId, candidates);
    const urnOf = (id: number): string => nodes.get(id)?.urn ?? '';
    const ids = pickShortestPath(from, to, length, forward, backward, edges, urnOf);
    const urns = new Map([...nodes].map(([id, n]) => [id, n.urn]));
    const pathEdges = ids.slice(1).map((dst, i) => {
      const src = ids[i] as number;
      const e = edges.find((x) => Number(x.src) === src && Number(x.dst) === dst) as EdgeRow;
      return toEdge(e, urns);
    });
    return { ...base, hops: length, nodes: ids.map((id) => nodes.get(id) as GraphNode), edges: pathEdges };
  });
}

/** The tenant's active graph: every active CALLS edge and its ends (plus :STRUCT edges on request). */
export async function graphShow(
  db: Db,
  q: { tenant: string; withTopology?: boolean },
  opts: GraphReadOptions = {},
): Promise<ActiveGraph> {
  return withGraphReader(db, opts, async (reader, conn) => {
    const tenantId = await tenantIdOf(conn, q.tenant);
    const edges = await reader.edges(tenantId);
    const struct = q.withTopology ? await reader.structEdges(tenantId) : [];
    const ids = new Set<number>();
    for (const e of [...edges, ...struct]) {
      ids.add(Number(e.src));
      ids.add(Number(e.dst));
    }
    const nodes = nodeMap(await reader.resources(tenantId, [...ids]));
    const urns = new Map([...nodes].map(([id, n]) => [id, n.urn]));
    const bySrcDst = (a: { src: string; dst: string }, b: { src: string; dst: string }): number =>
      a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0;
    const out: ActiveGraph = {
      tenant: q.tenant,
      nodes: [...nodes.values()].sort(byUrn),
      edges: edges.map((e) => toEdge(e, urns)).sort(bySrcDst),
    };
    if (q.withTopology) {
      out.struct_edges = struct
        .map((s) => ({ src: urns.get(Number(s.src)) ?? '', dst: urns.get(Number(s.dst)) ?? '', relation: s.relation }))
        .sort((a, b) => bySrcDst(a, b) || (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0));
    }
    return out;
  });
}
