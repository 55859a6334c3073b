import { z } from 'zod';
import { dependencyReport } from '../../db/queries/dependencies.js';
import { getEvidence } from '../../db/queries/events.js';
import { UUID_RE } from '../../db/queries/evidence.js';
import { listRuns, RUN_STATUSES, type RunCursor } from '../../db/queries/runs.js';
import { topologyAt, type TopoCursor } from '../../db/queries/topology.js';
import { defineRoute } from '../context.js';
import { notFound } from '../errors.js';
import { requireTenant } from '../tenant.js';
import { decodeCursor, durationParam, encodeCursor, intParam, isoInstant } from '../validate.js';

const tenantParam = z.string().min(1).max(64);
const DAY = 86_400_000;

const runsQuery = z.strictObject({
  tenant: tenantParam,
  job: z.string().min(1).max(64).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: intParam(1, 1000, 100),
  cursor: z.string().max(2048).optional(),
});

const isRunCursor = (v: unknown): v is RunCursor =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);

export const runsRoute = defineRoute({
  method: 'GET',
  url: '/api/runs',
  summary: 'Job runs of a tenant, newest window first (paginated)',
  tags: ['read'],
  query: runsQuery,
  responses: {
    200: '{runs, next}: pass next as cursor for the following page',
    400: 'Invalid query',
    404: 'Unknown tenant',
  },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, isRunCursor);
    const page = await listRuns(ctx.db, {
      tenantId: t.id,
      job: query.job ?? null,
      status: query.status ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
      limit: query.limit,
      after,
    });
    return { tenant: t.code, runs: page.runs, next: page.next ? encodeCursor(page.next) : null };
  },
});

export const dependenciesRoute = defineRoute({
  method: 'GET',
  url: '/api/services/:urn/dependencies',
  summary: 'Slowest / most failing downstream dependencies of a service (typical query 1)',
  description:
    'Per destination over the buckets that start in [to − since, to): calls, errors, err_rate = errors / ' +
    'calls, and p95_ms of all calls from the merged latency sketches. Ordered by p95, then err_rate. ' +
    'The span ends at `at` when given, else now — unless no call of the tenant starts in that span (the ' +
    'last window ran long ago), then at the end of the newest bucket; `span_basis` says which and ' +
    '`newest_data` where the data ends. ' +
    'The URN is one path segment: percent-encode its slashes (urn:k8s:svc:shop%2Fcart).',
  tags: ['read'],
  params: z.strictObject({ urn: z.string().min(1).max(1024) }),
  query: z.strictObject({
    tenant: tenantParam,
    // Each bucket's sketch is merged per request: a day of 5-minute buckets bounds that work.
    since: durationParam(DAY, '24h')
      .optional()
      .transform((v) => v ?? 30 * 60_000),
    at: isoInstant.optional(),
    limit: intParam(1, 100, 5),
  }),
  responses: {
    200: '{service, from, to, span_basis, newest_data, dependencies}',
    400: 'Invalid query',
    404: 'Unknown tenant',
  },
  async handler({ params, query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    return dependencyReport(ctx.db, {
      tenant: t,
      urn: params.urn,
      since: query.since,
      limit: query.limit,
      now: ctx.clock.now(),
      at: query.at ?? null,
    });
  },
});

export const evidenceRoute = defineRoute({
  method: 'GET',
  url: '/api/events/:id/evidence',
  summary: 'An event with its evidence links and their OO locators (typical query 2)',
  tags: ['read'],
  params: z.strictObject({ id: z.string().regex(UUID_RE, 'must be a UUID') }),
  query: z.strictObject({ tenant: tenantParam, limit: intParam(1, 1000, 200), offset: intParam(0, 1_000_000, 0) }),
  responses: { 200: '{event, evidence}', 400: 'Invalid id or query', 404: 'No such event for this tenant' },
  async handler({ params, query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await getEvidence(ctx.db, {
      tenantId: t.id,
      eventId: params.id,
      limit: query.limit,
      offset: query.offset,
    });
    if (!r) throw notFound('unknown_event', 'event: no such event for this tenant');
    const more = r.evidence.length === query.limit;
    return { tenant: t.code, ...r, next_offset: more ? query.offset + query.limit : null };
  },
});

const isTopoCursor = (v: unknown): v is TopoCursor =>
  Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'string' && x.length <= 1024);

export const topologyRoute = defineRoute({
  method: 'GET',
  url: '/api/topology',
  summary: 'Topology valid at a time (typical query 3, paginated)',
  tags: ['read'],
  query: z.strictObject({
    tenant: tenantParam,
    at: isoInstant.optional(),
    limit: intParam(1, 5000, 1000),
    cursor: z.string().max(8192).optional(),
  }),
  responses: { 200: '{at, edges, next}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const at = query.at ?? ctx.clock.now();
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, isTopoCursor);
    const page = await topologyAt(ctx.db, { tenantId: t.id, at, limit: query.limit, after });
    return {
      tenant: t.code,
      at: new Date(at).toISOString(),
      edges: page.edges,
      next: page.next ? encodeCursor(page.next) : null,
    };
  },
});
