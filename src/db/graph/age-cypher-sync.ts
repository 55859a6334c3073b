import type { Queryable } from '../types.js';
import { batches, cypher } from './age-session.js';
import type { AgeSyncResult } from './age-sql-sync.js';
import type { GraphName } from './graph-name.js';
import { sqlFile } from './sql-files.js';

/*
 * Cypher mode, written for AGE 1.6 (reference/postgres-extensions.md):
 * - vertices and edges are MERGEd in two statements: in one UNWIND, `MERGE (s) MERGE (d) MERGE
 *   (s)-[e]->(d)` creates duplicates, and later clauses of one cypher() call do not see vertices
 *   created earlier in it;
 * - there is no ON CREATE SET before AGE 1.8: first_seen comes from graph_active_edge, whose upsert
 *   keeps the earliest value, so a plain SET of every property is right on create and on match;
 * - rows travel as the agtype parameter, in batches (~1,000 rows per statement is far faster than one
 *   big UNWIND);
 * - stale edges are found by reading the tenant's edges back and deleting the difference;
 * - every SET and DELETE of AGE 1.6 scans its whole label table to find the tuple, so this mode costs
 *   O(edges²) per refresh (10,000 edges: ~30 s here, against ~1 s for the SQL mode). It is the
 *   portable form and the reference the SQL mode is tested against, not the default.
 */

// AGE 1.6 finds the tuple of every SET or DELETE by a sequential scan of the label table
// (cypher_set.c, cypher_delete.c: table_beginscan with a key on id), so each costs O(label size):
// vertices whose urn and type are already right are not SET again.
const MERGE_VERTICES = `
UNWIND $rows AS row
MERGE (v:Resource {tenant_id: row.tenant_id, resource_id: row.resource_id})
WITH v, row
WHERE v.urn IS NULL OR v.urn <> row.urn OR v.type <> row.type
SET v = {tenant_id: row.tenant_id, resource_id: row.resource_id, urn: row.urn, type: row.type}
RETURN count(*)`;

// One `SET e = {...}` rewrites the edge once (seven `SET e.x = ...` items cost about twice as much in
// AGE 1.6) and, like the SQL mode's agtype_build_map_nonull, leaves a null p95 out. toFloat: JSON has
// no float type, so 1.0 arrives as the integer 1; the SQL mode writes floats.
const MERGE_CALLS = `
UNWIND $rows AS row
MATCH (s:Resource {tenant_id: $tenant, resource_id: row.src}), (d:Resource {tenant_id: $tenant, resource_id: row.dst})
MERGE (s)-[e:CALLS]->(d)
SET e = {first_seen: row.first_seen, last_seen: row.last_seen, calls: row.calls, errors: row.errors,
         rps: toFloat(row.rps), err_rate: toFloat(row.err_rate), p95: toFloat(row.p95)}
RETURN count(*)`;

const READ_CALLS = `
MATCH (s:Resource {tenant_id: $tenant})-[:CALLS]->(d:Resource)
RETURN [s.resource_id, d.resource_id]`;

const DELETE_CALLS = `
UNWIND $rows AS row
MATCH (s:Resource {tenant_id: $tenant, resource_id: row[0]})-[e:CALLS]->(d:Resource {tenant_id: $tenant, resource_id: row[1]})
DELETE e
RETURN count(*)`;

const MERGE_STRUCT = `
UNWIND $rows AS row
MATCH (s:Resource {tenant_id: $tenant, resource_id: row.src}), (d:Resource {tenant_id: $tenant, resource_id: row.dst})
MERGE (s)-[e:STRUCT {relation: row.relation}]->(d)
RETURN count(*)`;

const READ_STRUCT = `
MATCH (s:Resource {tenant_id: $tenant})-[e:STRUCT]->(d:Resource)
RETURN [s.resource_id, d.resource_id, e.relation]`;

const DELETE_STRUCT = `
UNWIND $rows AS row
MATCH (s:Resource {tenant_id: $tenant, resource_id: row[0]})-[e:STRUCT {relation: row[2]}]->(d:Resource {tenant_id: $tenant, resource_id: row[1]})
DELETE e
RETURN count(*)`;

async function run(tx: Queryable, g: GraphName, text: string, tenant: number, rows: unknown[], size: number) {
  let n = 0;
  for (const batch of batches(rows, size)) {
    const r = await cypher<number>(tx, g, text, { tenant, rows: batch });
    n += Number(r[0] ?? 0);
  }
  return n;
}

export async function syncAgeCypher(
  tx: Queryable,
  g: GraphName,
  tenantId: number,
  batchSize: number,
): Promise<AgeSyncResult> {
  const vertices = (await tx.query(sqlFile('age-read-vertices.sql'), [tenantId])).rows;
  const edges = (await tx.query<{ src: number; dst: number }>(sqlFile('age-read-edges.sql'), [tenantId])).rows;
  const struct = (
    await tx.query<{ src: number; dst: number; relation: string }>(sqlFile('age-read-struct.sql'), [tenantId])
  ).rows;

  const wantCalls = new Set(edges.map((e) => `${e.src}>${e.dst}`));
  const haveCalls = await cypher<[number, number]>(tx, g, READ_CALLS, { tenant: tenantId });
  const staleCalls = haveCalls.filter(([s, d]) => !wantCalls.has(`${s}>${d}`));
  const wantStruct = new Set(struct.map((e) => JSON.stringify([e.src, e.dst, e.relation])));
  const haveStruct = await cypher<[number, number, string]>(tx, g, READ_STRUCT, { tenant: tenantId });
  const staleStruct = haveStruct.filter((k) => !wantStruct.has(JSON.stringify(k)));

  const edgesRemoved = await run(tx, g, DELETE_CALLS, tenantId, staleCalls, batchSize);
  const structRemoved = await run(tx, g, DELETE_STRUCT, tenantId, staleStruct, batchSize);
  const nVertices = await run(tx, g, MERGE_VERTICES, tenantId, vertices, batchSize);
  const edgesWritten = await run(tx, g, MERGE_CALLS, tenantId, edges, batchSize);
  await run(tx, g, MERGE_STRUCT, tenantId, struct, batchSize);
  return { vertices: nVertices, edgesRemoved, edgesWritten, structRemoved };
}
