import { z } from 'zod';
import { graphAt } from '../../db/graph/graph-at.js';
import { graphImpact, graphShow, GraphQueryError, MAX_IMPACT_HOPS } from '../../db/graph/queries.js';
import { defineRoute } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { requireTenant } from '../tenant.js';
import { intParam, isoInstant } from '../validate.js';

/** The graph module's typed errors as HTTP answers (its messages name only what the request named). */
function mapGraphError(e: unknown): never {
  if (e instanceof GraphQueryError) {
    if (e.code === 'unknown_tenant') throw notFound('unknown_tenant', 'tenant: no tenant with this code');
    if (e.code === 'unknown_urn') throw notFound('unknown_urn', 'urn: no such resource in this tenant');
    throw new ApiError(400, 'invalid_request', e.message);
  }
  throw e;
}

export const graphRoute = defineRoute({
  method: 'GET',
  url: '/api/graph',
  summary: 'The active call graph of a tenant (edges seen in the last 10 minutes), now or at a past instant',
  description:
    'Without `at`: the graph of the last refresh. With `at`: the graph as it was then, recomputed from ' +
    'service_call_5m over the 10 minutes before `at` floored to 5 minutes (`as_of`); `topology` is ignored.',
  tags: ['graph'],
  query: z.strictObject({
    tenant: z.string().min(1).max(64),
    topology: z.enum(['true', 'false']).optional(),
    at: isoInstant.optional(),
  }),
  responses: { 200: '{tenant, nodes, edges} (with `at`: also at, as_of)', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    await requireTenant(ctx.db, query.tenant);
    if (query.at !== undefined) return graphAt(ctx.db, { tenant: query.tenant, at: query.at }).catch(mapGraphError);
    return graphShow(ctx.db, { tenant: query.tenant, withTopology: query.topology === 'true' }).catch(mapGraphError);
  },
});

export const graphImpactRoute = defineRoute({
  method: 'GET',
  url: '/api/graph/impact',
  summary: 'Callers and dependencies of a resource within k hops of the active graph',
  tags: ['graph'],
  query: z.strictObject({
    tenant: z.string().min(1).max(64),
    urn: z.string().min(1).max(1024),
    hops: intParam(1, MAX_IMPACT_HOPS, 3),
    direction: z.enum(['up', 'down', 'both']).optional(),
  }),
  responses: { 200: '{tenant, urn, hops, upstream?, downstream?}', 400: 'Invalid query', 404: 'Unknown tenant or URN' },
  async handler({ query, ctx }) {
    await requireTenant(ctx.db, query.tenant);
    return graphImpact(ctx.db, {
      tenant: query.tenant,
      urn: query.urn,
      hops: query.hops,
      direction: query.direction ?? 'both',
    }).catch(mapGraphError);
  },
});
