import type { Queryable } from '../types.js';
import { cypher } from './age-session.js';
import type { GraphName } from './graph-name.js';
import type { EdgeRow, GraphReader, ResourceRow, StructRow } from './reader.js';

const EDGE_MAP = `{src: s.resource_id, dst: d.resource_id, calls: e.calls, errors: e.errors, rps: e.rps,
  err_rate: e.err_rate, p95_ms: e.p95, first_seen: e.first_seen, last_seen: e.last_seen}`;

const ALL_EDGES = `MATCH (s:Resource {tenant_id: $tenant})-[e:CALLS]->(d:Resource) RETURN ${EDGE_MAP}`;
const EDGES_FROM = `UNWIND $ids AS rid
MATCH (s:Resource {tenant_id: $tenant, resource_id: rid})-[e:CALLS]->(d:Resource) RETURN ${EDGE_MAP}`;
const DOWN = `UNWIND $ids AS rid
MATCH (a:Resource {tenant_id: $tenant, resource_id: rid})-[:CALLS]->(b:Resource) RETURN DISTINCT b.resource_id`;
const UP = `UNWIND $ids AS rid
MATCH (a:Resource {tenant_id: $tenant, resource_id: rid})<-[:CALLS]-(b:Resource) RETURN DISTINCT b.resource_id`;
const RESOURCES = `UNWIND $ids AS rid
MATCH (v:Resource {tenant_id: $tenant, resource_id: rid}) RETURN {id: v.resource_id, urn: v.urn, type: v.type}`;
const STRUCT = `MATCH (s:Resource {tenant_id: $tenant})-[e:STRUCT]->(d:Resource)
RETURN {src: s.resource_id, dst: d.resource_id, relation: e.relation}`;

function edgeRow(x: Partial<EdgeRow>): EdgeRow {
  return {
    src: Number(x.src),
    dst: Number(x.dst),
    calls: Number(x.calls),
    errors: Number(x.errors),
    rps: Number(x.rps),
    err_rate: Number(x.err_rate),
    p95_ms: x.p95_ms ?? null,
    first_seen: String(x.first_seen),
    last_seen: String(x.last_seen),
  };
}

/**
 * Cypher on the AGE graph; the caller has run enterAge() in the transaction `tx` belongs to. Hop
 * distances are a breadth-first search, one Cypher statement per hop over the frontier: exact, cycle
 * safe, and linear in the edges seen (a variable-length pattern enumerates every trail instead).
 */
export function ageReader(tx: Queryable, g: GraphName): GraphReader {
  return {
    backend: 'age',
    async hopDistances(tenantId, start, direction, maxHops) {
      const seen = new Map<number, number>([[start, 0]]);
      let frontier = [start];
      for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
        const next = await cypher<number>(tx, g, direction === 'down' ? DOWN : UP, { tenant: tenantId, ids: frontier });
        frontier = [];
        for (const id of next) {
          if (seen.has(id)) continue;
          seen.set(id, hop);
          frontier.push(id);
        }
      }
      seen.delete(start);
      return seen;
    },
    async edges(tenantId, srcIds) {
      if (srcIds && srcIds.length === 0) return [];
      const rows = srcIds
        ? await cypher<Partial<EdgeRow>>(tx, g, EDGES_FROM, { tenant: tenantId, ids: srcIds })
        : await cypher<Partial<EdgeRow>>(tx, g, ALL_EDGES, { tenant: tenantId });
      return rows.map(edgeRow);
    },
    async resources(tenantId, ids) {
      if (ids.length === 0) return [];
      return cypher<ResourceRow>(tx, g, RESOURCES, { tenant: tenantId, ids });
    },
    async structEdges(tenantId) {
      return cypher<StructRow>(tx, g, STRUCT, { tenant: tenantId });
    },
  };
}
