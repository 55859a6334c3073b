import type { Queryable } from '../types.js';
import { iso, readSql, toIso } from './sql-file.js';

/** One edge valid at the instant, in the JSON shape the API and `query topo --json` print. */
export interface TopoEdge {
  src: string;
  src_type: string;
  dst: string;
  dst_type: string;
  relation: string;
  origin: string;
  props: unknown;
  valid_from: string | null;
  /** null while the edge is still open. */
  valid_to: string | null;
}

/** The sort key of the last row of a page: the next page starts after it. */
export type TopoCursor = readonly [src: string, dst: string, relation: string, origin: string];

export interface TopologyPage {
  edges: TopoEdge[];
  /** Present when there may be more rows. */
  next: TopoCursor | null;
}

interface Row {
  src: string;
  src_type: string;
  dst: string;
  dst_type: string;
  relation: string;
  origin: string;
  props: unknown;
  valid_from: Date | null;
  valid_to: Date | null;
}

/** Typical query 3: the tenant's topology valid at `at` (epoch ms), one page. */
export async function topologyAt(
  db: Queryable,
  q: { tenantId: number; at: number; limit: number; after?: TopoCursor | null },
): Promise<TopologyPage> {
  const a = q.after ?? null;
  const r = await db.query<Row>(readSql('topology'), [
    q.tenantId,
    iso(q.at),
    a?.[0] ?? null,
    a?.[1] ?? null,
    a?.[2] ?? null,
    a?.[3] ?? null,
    q.limit,
  ]);
  const edges = r.rows.map((x) => ({
    src: x.src,
    src_type: x.src_type,
    dst: x.dst,
    dst_type: x.dst_type,
    relation: x.relation,
    origin: x.origin,
    props: x.props,
    valid_from: toIso(x.valid_from),
    valid_to: toIso(x.valid_to),
  }));
  const last = edges.at(-1);
  return {
    edges,
    next: last && edges.length === q.limit ? ([last.src, last.dst, last.relation, last.origin] as const) : null,
  };
}
