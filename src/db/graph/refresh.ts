import type { Window } from '../../core/window.js';
import type { Queryable } from '../types.js';
import { syncAgeCypher } from './age-cypher-sync.js';
import { enterAge, ensureAgeGraph } from './age-session.js';
import { syncAgeSql, type AgeSyncResult } from './age-sql-sync.js';
import type { AgeRefreshOptions } from './options.js';
import { refreshRelationalFromCalls, type RelationalRefreshResult } from './relational-refresh.js';

export type GraphBackend = 'relational' | 'age';

export interface GraphRefreshResult extends RelationalRefreshResult {
  backend: GraphBackend;
  /** service_call_5m rows read. */
  buckets: number;
  /** AGE only: what the sync did, and how (`sql` or `cypher`). */
  age?: AgeSyncResult & { mode: AgeRefreshOptions['mode']; graph: string };
}

/**
 * The refresh of one tenant for window [t − 5m, t): graph_active_edge always (it is the graph without
 * AGE, and the staging form with it), then the AGE graph when `age` is true. Runs inside the caller's
 * transaction, so the job can mark its run complete in the same one.
 */
export async function refreshActiveGraph(
  tx: Queryable,
  tenantId: number,
  w: Window,
  opts: AgeRefreshOptions,
  age: boolean,
): Promise<GraphRefreshResult> {
  const rel = await refreshRelationalFromCalls(tx, tenantId, w, opts.withTopology);
  if (!age) return { backend: 'relational', ...rel };
  await enterAge(tx);
  await ensureAgeGraph(tx, opts.graph);
  const sync =
    opts.mode === 'cypher'
      ? await syncAgeCypher(tx, opts.graph, tenantId, opts.batchSize)
      : await syncAgeSql(tx, opts.graph, tenantId);
  return { backend: 'age', ...rel, age: { ...sync, mode: opts.mode, graph: opts.graph } };
}
