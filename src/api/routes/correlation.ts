/**
 * Log ↔ trace correlation reads: trace → everything, traces by business attribute, edge → logs,
 * pattern → edges (src/correlation/queries.ts; the CLI's `query trace|edge-logs|pattern-edges`).
 */
import { z } from 'zod';
import { parseAttrFilters } from '../../correlation/attr-filter.js';
import { edgeLogs, isTraceId, patternEdges, traceView, tracesByAttrs } from '../../correlation/queries.js';
import { readSpan } from '../../db/queries/data-span.js';
import type { Queryable } from '../../db/types.js';
import { defineRoute } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { requireTenant } from '../tenant.js';
import { durationParam, intParam, isoInstant } from '../validate.js';

const tenantParam = z.string().min(1).max(64);
const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;

/** `?attr=k=v` once or repeated, validated into one object. */
const attrParam = z
  .union([z.string(), z.array(z.string()).max(8)])
  .optional()
  .transform((v, ctx) => {
    const parsed = parseAttrFilters(v === undefined ? [] : typeof v === 'string' ? [v] : v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

/** `since` (≤ 7d, default 1h) before `to` (default now). */
const rangeParams = {
  since: durationParam(WEEK, '7d')
    .optional()
    .transform((v) => v ?? HOUR),
  to: isoInstant.optional(),
};

/**
 * [to − since, to) when `to` is given; else the last `since` — or, when the tenant's samples hold
 * nothing in it, the `since` ending at the newest sample (span_basis says which, newest_data where
 * the samples end).
 */
async function rangeOf(db: Queryable, tenantId: number, q: { since: number; to?: number | undefined }, now: number) {
  const { from, to, span } = await readSpan(db, {
    tenantId,
    dataset: 'samples',
    since: q.since,
    now,
    at: q.to ?? null,
  });
  return { span, range: { from, to } };
}

const SPAN_DESC =
  ' Without `to`, the span ends now — unless no sample of the tenant falls in it (the last window ran ' +
  'long ago), then at the end of the newest sample; `span_basis` (now, at, newest_data) says which and ' +
  '`newest_data` where the samples end.';

export const traceRoute = defineRoute({
  method: 'GET',
  url: '/api/traces/:id',
  summary: 'A trace resolved from the samples: the edges and log patterns it appears in, and the OO SQL for it',
  description:
    'From bounded samples (correlation.log_samples / edge_samples per row), not complete: found=false means ' +
    'the trace is in no sample, not that it does not exist. oo[] holds the OpenObserve SQL for its raw spans ' +
    "and lines (trace_id = '…' on both streams) with the time range to search. attr=k=v filters: the trace " +
    'counts as found only when a sample of it carries every given attribute.',
  tags: ['correlation'],
  params: z.strictObject({ id: z.string().refine(isTraceId, 'must be a trace id (letters, digits, _ or -)') }),
  query: z.strictObject({ tenant: tenantParam, attr: attrParam }),
  responses: {
    200: '{trace_id, found, sampled, edges, patterns, oo}',
    400: 'Invalid id or query',
    404: 'Unknown tenant',
  },
  async handler({ params, query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const view = await traceView(ctx.db, { tenantId: t.id, traceId: params.id, attrs: query.attr });
    return { tenant: t.code, ...view };
  },
});

export const tracesRoute = defineRoute({
  method: 'GET',
  url: '/api/traces',
  summary: 'Sampled traces carrying business attributes (attr=user_id=U928374), newest first',
  description: `Over [to − since, to) (since ≤ 7d, default 1h).${SPAN_DESC}`,
  tags: ['correlation'],
  query: z.strictObject({ tenant: tenantParam, attr: attrParam, ...rangeParams, limit: intParam(1, 1000, 50) }),
  responses: {
    200: '{from, to, span_basis, newest_data, traces, sampled}',
    400: 'Invalid query (attr is required)',
    404: 'Unknown tenant',
  },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    if (Object.keys(query.attr).length === 0) {
      throw badRequest('attr', 'at least one attr=key=value is required');
    }
    const { span, range } = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const traces = await tracesByAttrs(ctx.db, { tenantId: t.id, attrs: query.attr, ...range, limit: query.limit });
    return { tenant: t.code, attrs: query.attr, ...span, sampled: true, traces };
  },
});

export const edgeLogsRoute = defineRoute({
  method: 'GET',
  url: '/api/edges/logs',
  summary: 'edge → logs: log patterns of both sides ranked by how much more often they occur in failed traces',
  description:
    'Over the sampled traces of src→dst in [to − since, to): per log pattern of src and dst, the failed and ' +
    'healthy traces it occurs in, ranked by lift = ((in_failed+½)/(failed+1)) / ((in_healthy+½)/(healthy+1)). ' +
    `URNs are query parameters (percent-encoded).${SPAN_DESC}`,
  tags: ['correlation'],
  query: z.strictObject({
    tenant: tenantParam,
    src: z.string().min(1).max(1024),
    dst: z.string().min(1).max(1024),
    ...rangeParams,
    limit: intParam(1, 200, 10),
  }),
  responses: {
    200: '{src, dst, from, to, span_basis, newest_data, failed_traces, healthy_traces, patterns}',
    400: 'Invalid query',
    404: 'Unknown tenant or URN',
  },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const { span, range } = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const r = await edgeLogs(ctx.db, { tenantId: t.id, src: query.src, dst: query.dst, ...range, limit: query.limit });
    if (!r) throw notFound('unknown_urn', 'src/dst: no such resource in this tenant');
    return { tenant: t.code, ...r, ...span };
  },
});

export const patternEdgesRoute = defineRoute({
  method: 'GET',
  url: '/api/patterns/:fingerprint/edges',
  summary: 'pattern → edges: the edges crossed by the sampled traces of a log pattern',
  description: `Over [to − since, to) (since ≤ 7d, default 1h).${SPAN_DESC}`,
  tags: ['correlation'],
  params: z.strictObject({ fingerprint: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a pattern fingerprint') }),
  query: z.strictObject({ tenant: tenantParam, ...rangeParams, limit: intParam(1, 200, 20) }),
  responses: {
    200: '{fingerprint, pattern, from, to, span_basis, newest_data, traces, edges}',
    400: 'Invalid query',
    404: 'Unknown tenant or pattern',
  },
  async handler({ params, query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const { span, range } = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const r = await patternEdges(ctx.db, {
      tenantId: t.id,
      fingerprint: params.fingerprint,
      ...range,
      limit: query.limit,
    });
    if (!r) throw notFound('unknown_pattern', 'fingerprint: no such pattern in this tenant');
    return { tenant: t.code, ...r, ...span };
  },
});
