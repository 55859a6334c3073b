import type { Queryable } from '../types.js';
import type { GraphName } from './graph-name.js';
import { graphSql } from './sql-files.js';

export interface AgeSyncResult {
  vertices: number;
  edgesRemoved: number;
  edgesWritten: number;
  structRemoved: number;
}

/**
 * SQL mode: brings the tenant's part of the AGE graph to graph_active_edge / graph_struct_edge with
 * set-based statements on the label tables (ids come from the labels' own sequences, so Cypher reads
 * see the rows as if MERGE had written them). Measured ~0.4 s for 10k edges against 2.5 s+ for MERGE.
 */
export async function syncAgeSql(tx: Queryable, g: GraphName, tenantId: number): Promise<AgeSyncResult> {
  const vertices = await tx.query(graphSql('age-sql-vertices.sql', g), [tenantId]);
  const removed = await tx.query(graphSql('age-sql-calls-delete.sql', g), [tenantId]);
  const written = await tx.query(graphSql('age-sql-calls-upsert.sql', g), [tenantId]);
  const st = await tx.query<{ removed: number }>(graphSql('age-sql-struct.sql', g), [tenantId]);
  return {
    vertices: vertices.rowCount,
    edgesRemoved: removed.rowCount,
    edgesWritten: written.rowCount,
    structRemoved: Number(st.rows[0]?.removed ?? 0),
  };
}
