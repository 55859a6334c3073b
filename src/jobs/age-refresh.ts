import { ConfigError, PermanentError } from '../core/errors.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { isEnabled } from '../db/capabilities.js';
import { ACTIVE_SPAN_MS } from '../db/graph/active-edges.js';
import { parseAgeRefreshOptions, type AgeRefreshOptions } from '../db/graph/options.js';
import { refreshActiveGraph } from '../db/graph/refresh.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';

const MINUTE = 60_000;

/** Bad options fail every window the same way: permanent, so the run goes to dead at once. */
function options(raw: Record<string, unknown>): AgeRefreshOptions {
  try {
    return parseAgeRefreshOptions(raw);
  } catch (e) {
    if (e instanceof ConfigError) throw new PermanentError('config_invalid', e.message, { cause: e });
    throw e;
  }
}

/**
 * age-refresh: for the window [t − 5m, t), the active call graph of the tenant becomes exactly the
 * edges of service_call_5m in [t − 10m, t): graph_active_edge always, and the AGE graph (`ops` unless
 * `options.graph` says otherwise) when the capability is enabled. `t` is the window's end, never the
 * wall clock, so a replay gives the same graph. Options (jobs.age-refresh.options): mode sql|cypher,
 * graph, with_topology, batch_size (src/db/graph/options.ts).
 *
 * `after`: the run reads the oo-calls buckets of [to − 10m, to). job.ts and the claim (queue/claim.sql)
 * measure `lookbehind` from the window's start: windows covering [from − lookbehind, to) must have
 * succeeded. [to − 10m, to) = [from − 5m, to) for the 5m window, so the lookbehind is 10m − 5m; a
 * lookbehind of 10m would also wait for the window before that, which the refresh never reads.
 */
export function ageRefreshJob(): JobDefinition {
  return {
    name: 'age-refresh',
    align: 5 * MINUTE,
    delay: 2 * MINUTE,
    alignMultipleOf: 5 * MINUTE,
    after: [{ job: 'oo-calls', lookbehind: ACTIVE_SPAN_MS - 5 * MINUTE }],
    // The graph is one state per tenant that each window replaces: windows run in order, one at a
    // time, so the newest window is the last to commit (two at once would race on the same rows).
    sequential: true,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const opts = options(ctx.options);
      return ctx.db.transaction(async (tx) => {
        const age = await isEnabled(tx, 'age');
        const r = await refreshActiveGraph(tx, tenant.id, w, opts, age);
        const result: JobResult = {
          recordsRead: { service_call_5m: r.buckets },
          rowsWritten: {
            graph_active_edge: r.edges,
            ...(opts.withTopology ? { graph_struct_edge: r.structEdges } : {}),
          },
          backend: r.backend,
          edges: r.edges,
          removed: r.removed,
          ...(r.age ? { age: r.age } : {}),
        };
        await ctx.complete(tx, result);
        return result;
      });
    },
  };
}
