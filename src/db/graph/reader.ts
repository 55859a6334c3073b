import type { Queryable } from '../types.js';
import { sqlFile } from './sql-files.js';

export type Direction = 'up' | 'down';

/** A CALLS edge as both backends return it (resource ids; times as ISO-8601 UTC strings). */
export interface EdgeRow {
  src: number;
  dst: number;
  calls: number;
  errors: number;
  rps: number;
  err_rate: number;
  p95_ms: number | null;
  first_seen: string;
  last_seen: string;
}

export interface ResourceRow {
  id: number;
  urn: string;
  type: string;
}

export interface StructRow {
  src: number;
  dst: number;
  relation: string;
}

/**
 * What the graph queries need from a backend, by resource id. Two implementations: recursive SQL on
 * graph_active_edge, and Cypher on the AGE graph; the queries on top are shared, so they agree.
 */
export interface GraphReader {
  readonly backend: 'relational' | 'age';
  /**
   * Shortest hop count from `start` (down: to what it calls; up: from what calls it) to every resource
   * within `maxHops`, `start` itself left out.
   */
  hopDistances(tenantId: number, start: number, direction: Direction, maxHops: number): Promise<Map<number, number>>;
  /** The tenant's CALLS edges; only those leaving `srcIds` when given. */
  edges(tenantId: number, srcIds?: readonly number[]): Promise<EdgeRow[]>;
  resources(tenantId: number, ids: readonly number[]): Promise<ResourceRow[]>;
  structEdges(tenantId: number): Promise<StructRow[]>;
}

export function relationalReader(db: Queryable): GraphReader {
  return {
    backend: 'relational',
    async hopDistances(tenantId, start, direction, maxHops) {
      const file = direction === 'down' ? 'rel-hops-down.sql' : 'rel-hops-up.sql';
      const r = await db.query<{ id: number; hops: number }>(sqlFile(file), [tenantId, start, maxHops]);
      return new Map(r.rows.map((x) => [x.id, x.hops]));
    },
    async edges(tenantId, srcIds) {
      const r = await db.query<EdgeRow>(sqlFile('rel-edges.sql'), [tenantId, srcIds ? [...srcIds] : null]);
      return r.rows;
    },
    async resources(tenantId, ids) {
      if (ids.length === 0) return [];
      return (await db.query<ResourceRow>(sqlFile('rel-resources.sql'), [tenantId, [...ids]])).rows;
    },
    async structEdges(tenantId) {
      return (await db.query<StructRow>(sqlFile('rel-struct.sql'), [tenantId])).rows;
    },
  };
}
