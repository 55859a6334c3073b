import { readFileSync } from 'node:fs';
import { diffEdges, type EdgeRow } from '../../topology/diff.js';
import type { Edge, TopologyExtract } from '../../topology/model.js';
import type { Queryable } from '../types.js';
import { upsertResources, type ResourceInput } from './resources.js';

const SELECT_OPEN = readFileSync(new URL('./topo-edges.sql', import.meta.url), 'utf8');

interface OpenRow extends EdgeRow {
  srcId: number;
  dstId: number;
}

export interface TopoApplyResult {
  opened: number;
  closed: number;
  kept: number;
  propsUpdated: number;
  /** The instant the changes were recorded at (epoch ms). */
  at: number;
}

/**
 * Applies the edges an extractor sees now to topo_edge_time for one (tenant, origin): new edges open
 * `[t, ∞)`, vanished ones get `upper = t`, unchanged ones are left alone, changed props are updated
 * in place. Only this origin's rows are touched. `t` never goes back before a bound this origin already
 * recorded, so an out-of-order run cannot produce overlapping or inverted ranges.
 */
export async function applyTopology(
  tx: Queryable,
  tenantId: number,
  origin: string,
  extract: Pick<TopologyExtract, 'resources' | 'edges'>,
  at: number,
): Promise<TopoApplyResult> {
  const open = await tx.query<{
    src_resource_id: number;
    dst_resource_id: number;
    src: string;
    dst: string;
    relation: Edge['relation'];
    props: Edge['props'];
    valid_from: number;
  }>(SELECT_OPEN, [tenantId, origin]);
  const latest = await tx.query<{ t: number | null }>(
    `SELECT (extract(epoch FROM max(greatest(lower(valid), CASE WHEN upper_inf(valid) THEN lower(valid) ELSE upper(valid) END))) * 1000)::float8 AS t
       FROM topo_edge_time WHERE tenant_id = $1 AND origin = $2`,
    [tenantId, origin],
  );
  const t = Math.max(at, latest.rows[0]?.t ?? -Infinity);
  const prev: OpenRow[] = open.rows.map((r) => ({
    src: r.src,
    dst: r.dst,
    relation: r.relation,
    props: r.props ?? {},
    validFrom: r.valid_from,
    srcId: r.src_resource_id,
    dstId: r.dst_resource_id,
  }));
  const diff = diffEdges(prev, extract.edges);
  const when = new Date(t);

  if (diff.close.length > 0) {
    await tx.query(
      `UPDATE topo_edge_time t SET valid = tstzrange(lower(t.valid), $3, '[)')
         FROM unnest($4::bigint[], $5::bigint[], $6::text[]) AS c(src, dst, rel)
        WHERE t.tenant_id = $1 AND t.origin = $2 AND upper_inf(t.valid)
          AND t.src_resource_id = c.src AND t.dst_resource_id = c.dst AND t.relation = c.rel
          AND lower(t.valid) < $3`,
      [
        tenantId,
        origin,
        when,
        diff.close.map((c) => c.srcId),
        diff.close.map((c) => c.dstId),
        diff.close.map((c) => c.relation),
      ],
    );
    // An edge opened at this same instant and gone again: an empty range says nothing, drop it.
    await tx.query(
      `DELETE FROM topo_edge_time t
        USING unnest($4::bigint[], $5::bigint[], $6::text[]) AS c(src, dst, rel)
        WHERE t.tenant_id = $1 AND t.origin = $2 AND upper_inf(t.valid) AND lower(t.valid) >= $3
          AND t.src_resource_id = c.src AND t.dst_resource_id = c.dst AND t.relation = c.rel`,
      [
        tenantId,
        origin,
        when,
        diff.close.map((c) => c.srcId),
        diff.close.map((c) => c.dstId),
        diff.close.map((c) => c.relation),
      ],
    );
  }

  if (diff.propsChanged.length > 0) {
    await tx.query(
      `UPDATE topo_edge_time t SET props = c.props::jsonb
         FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[]) AS c(src, dst, rel, props)
        WHERE t.tenant_id = $1 AND t.origin = $2 AND upper_inf(t.valid)
          AND t.src_resource_id = c.src AND t.dst_resource_id = c.dst AND t.relation = c.rel`,
      [
        tenantId,
        origin,
        diff.propsChanged.map((c) => c.row.srcId),
        diff.propsChanged.map((c) => c.row.dstId),
        diff.propsChanged.map((c) => c.row.relation),
        diff.propsChanged.map((c) => JSON.stringify(c.props)),
      ],
    );
  }

  if (diff.open.length > 0) {
    const byUrn = new Map(extract.resources.map((r) => [r.urn, r]));
    const needed: ResourceInput[] = [];
    for (const e of diff.open) {
      for (const urn of [e.src, e.dst]) {
        const r = byUrn.get(urn);
        needed.push(
          r
            ? { urn, type: r.type, name: r.name, env: r.env, region: r.region, zone: r.zone, labels: r.labels }
            : { urn },
        );
      }
    }
    const ids = await upsertResources(tx, tenantId, needed, when);
    await tx.query(
      `INSERT INTO topo_edge_time (tenant_id, src_resource_id, dst_resource_id, relation, valid, props, origin)
       SELECT $1, c.src, c.dst, c.rel, tstzrange($3, NULL, '[)'), c.props::jsonb, $2
         FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[]) AS c(src, dst, rel, props)`,
      [
        tenantId,
        origin,
        when,
        diff.open.map((e) => ids.get(e.src)),
        diff.open.map((e) => ids.get(e.dst)),
        diff.open.map((e) => e.relation),
        diff.open.map((e) => JSON.stringify(e.props)),
      ],
    );
  }
  return {
    opened: diff.open.length,
    closed: diff.close.length,
    kept: diff.keep.length,
    propsUpdated: diff.propsChanged.length,
    at: t,
  };
}

export interface TopoEdgeAt {
  src: string;
  dst: string;
  relation: string;
  origin: string;
  props: Record<string, unknown>;
  valid_from: string;
  valid_to: string | null;
}

/** The seed's typical query 3: the topology valid at an instant. */
export async function topologyAt(db: Queryable, tenantId: number, at: number): Promise<TopoEdgeAt[]> {
  const r = await db.query<TopoEdgeAt>(
    `SELECT s.urn AS src, d.urn AS dst, t.relation, t.origin, t.props,
            to_char(lower(t.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS valid_from,
            CASE WHEN upper_inf(t.valid) THEN NULL
                 ELSE to_char(upper(t.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS valid_to
       FROM topo_edge_time t
       JOIN dim_resource s ON s.resource_id = t.src_resource_id
       JOIN dim_resource d ON d.resource_id = t.dst_resource_id
      WHERE t.tenant_id = $1 AND t.valid @> $2::timestamptz
      ORDER BY s.urn, d.urn, t.relation, t.origin`,
    [tenantId, new Date(at)],
  );
  return r.rows;
}
