/**
 * The active call graph as it was at a past instant: what the refresh of the window ending then
 * computed, recomputed from service_call_5m (the same buckets, the same pure computation), so time
 * travel needs no history table. Relational on both backends: the AGE graph holds only the present.
 */
import { floorTo } from '../../core/windows.js';
import type { Db } from '../types.js';
import { computeActiveEdges } from './active-edges.js';
import { tenantIdOf, type ActiveGraph, type GraphEdge } from './queries.js';
import { relationalReader } from './reader.js';
import { readCallBuckets } from './relational-refresh.js';

/** The refresh's window step: the graph changes only at these instants. */
export const GRAPH_STEP_MS = 5 * 60_000;

export interface GraphAt extends ActiveGraph {
  /** The instant asked for. */
  at: string;
  /** End of the refresh window the graph is of (`at` floored to 5 minutes). */
  as_of: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The tenant's graph at `at`: the edges with a bucket in the 10 minutes before `at` floored to the
 * refresh step, with their figures over those 10 minutes. Unlike the live graph's, `first_seen` is
 * the edge's first bucket within that span, not the first ever seen.
 */
export async function graphAt(db: Db, q: { tenant: string; at: number }): Promise<GraphAt> {
  const tenantId = await tenantIdOf(db, q.tenant);
  const to = floorTo(q.at, GRAPH_STEP_MS);
  const w = { from: to - GRAPH_STEP_MS, to };
  const active = computeActiveEdges(await readCallBuckets(db, tenantId, w), w);
  const ids = new Set<number>();
  for (const e of active) {
    ids.add(Number(e.src));
    ids.add(Number(e.dst));
  }
  const rows = await relationalReader(db).resources(tenantId, [...ids]);
  const nodes = rows
    .map((r) => ({ id: Number(r.id), urn: r.urn, type: r.type }))
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const urn = new Map(nodes.map((n) => [n.id, n.urn]));
  const edges: GraphEdge[] = active
    .map((e) => ({
      src: urn.get(Number(e.src)) ?? String(e.src),
      dst: urn.get(Number(e.dst)) ?? String(e.dst),
      calls: e.calls,
      errors: e.errors,
      rps: e.rps,
      err_rate: e.errRate,
      p95_ms: e.p95Ms,
      first_seen: iso(e.firstSeen),
      last_seen: iso(e.lastSeen),
    }))
    .sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  return { tenant: q.tenant, at: iso(q.at), as_of: iso(to), nodes, edges };
}
