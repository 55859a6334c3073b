import type { Window } from '../../core/window.js';
import type { Queryable } from '../types.js';
import { activeSpan, computeActiveEdges, type ActiveEdge, type CallBucket } from './active-edges.js';
import { sqlFile } from './sql-files.js';

/** Reads the tenant's service_call_5m rows of the 10 minutes before the window's end. */
export async function readCallBuckets(tx: Queryable, tenantId: number, w: Window): Promise<CallBucket[]> {
  const span = activeSpan(w);
  const r = await tx.query<{
    src: number;
    dst: number;
    bucket_ms: number;
    calls: number;
    errors: number;
    latency_sketch: Uint8Array | null;
    p95_ms: number | null;
  }>(sqlFile('call-buckets.sql'), [tenantId, new Date(span.from), new Date(span.to)]);
  return r.rows.map((x) => ({
    src: x.src,
    dst: x.dst,
    bucket: x.bucket_ms,
    calls: x.calls,
    errors: x.errors,
    sketch: x.latency_sketch,
    p95Ms: x.p95_ms,
  }));
}

export interface RelationalRefreshResult {
  /** Active edges after the refresh. */
  edges: number;
  removed: number;
  structEdges: number;
  structRemoved: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Brings graph_active_edge of one tenant to exactly `edges` (set-based: delete the others, upsert
 * these), and graph_struct_edge to the topology edges open at the window's end when `withTopology`.
 * Runs inside the caller's transaction.
 */
export async function refreshRelational(
  tx: Queryable,
  tenantId: number,
  w: Window,
  edges: readonly ActiveEdge[],
  withTopology: boolean,
): Promise<RelationalRefreshResult> {
  const keys = JSON.stringify(edges.map((e) => ({ src: e.src, dst: e.dst })));
  const removed = await tx.query(sqlFile('active-delete-stale.sql'), [tenantId, keys]);
  const rows = JSON.stringify(
    edges.map((e) => ({
      src: e.src,
      dst: e.dst,
      first_seen: iso(e.firstSeen),
      last_seen: iso(e.lastSeen),
      calls: e.calls,
      errors: e.errors,
      rps: e.rps,
      err_rate: e.errRate,
      p95_ms: e.p95Ms,
    })),
  );
  if (edges.length > 0) await tx.query(sqlFile('active-upsert.sql'), [tenantId, rows, new Date(w.to)]);
  const st = await tx.query<{ removed: number; total: number }>(sqlFile('struct-refresh.sql'), [
    tenantId,
    new Date(w.to),
    withTopology,
  ]);
  return {
    edges: edges.length,
    removed: removed.rowCount,
    structEdges: Number(st.rows[0]?.total ?? 0),
    structRemoved: Number(st.rows[0]?.removed ?? 0),
  };
}

/** Reads the buckets, computes the 10-minute figures and refreshes the relational graph. */
export async function refreshRelationalFromCalls(
  tx: Queryable,
  tenantId: number,
  w: Window,
  withTopology: boolean,
): Promise<RelationalRefreshResult & { buckets: number }> {
  const buckets = await readCallBuckets(tx, tenantId, w);
  const edges = computeActiveEdges(buckets, w);
  const r = await refreshRelational(tx, tenantId, w, edges, withTopology);
  return { ...r, buckets: buckets.length };
}
