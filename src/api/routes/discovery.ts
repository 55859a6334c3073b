/**
 * Attribute discovery reads (src/discovery/queries.ts), mirroring the seed's metadata-store API:
 * GET /api/discovery/{namespaces,names,keys,carriers,cooccurring}. The CLI's `discover …` prints the same.
 */
import { z } from 'zod';
import {
  discoverCarriers,
  discoverCooccurring,
  discoverKeys,
  discoverNames,
  discoverNamespaces,
  SIGNALS,
} from '../../discovery/queries.js';
import { DEFAULT_RANGE_MS, MAX_RANGE_MS } from '../../discovery/params.js';
import { readSpan } from '../../db/queries/data-span.js';
import type { Queryable } from '../../db/types.js';
import { defineRoute } from '../context.js';
import { requireTenant } from '../tenant.js';
import { durationParam, intParam, isoInstant } from '../validate.js';

const text = z.string().min(1).max(1024);
const base = {
  tenant: z.string().min(1).max(64),
  since: durationParam(MAX_RANGE_MS, '31d')
    .optional()
    .transform((v) => v ?? DEFAULT_RANGE_MS),
  to: isoInstant.optional(),
};
const signal = z.enum(SIGNALS);

/** [to − since, to) when `to` is given; else the last `since`, or the `since` ending at the newest discovery data. */
function rangeOf(db: Queryable, tenantId: number, q: { since: number; to?: number | undefined }, now: number) {
  return readSpan(db, { tenantId, dataset: 'discovery', since: q.since, now, at: q.to ?? null });
}

const DESC =
  'Aggregated over the debounce windows overlapping [to − since, to) (since ≤ 31d, default 24h). Without ' +
  '`to`, the span ends now — unless discovery saw nothing of the tenant in it (the last window ran long ' +
  'ago), then at its newest record; `span_basis` (now, at, newest_data) says which and `newest_data` ' +
  'where the discovery data ends.';

export const discoveryNamespacesRoute = defineRoute({
  method: 'GET',
  url: '/api/discovery/namespaces',
  summary: 'Namespaces (services) per signal',
  description: DESC,
  tags: ['discovery'],
  query: z.strictObject({ ...base, signal: signal.optional(), limit: intParam(1, 10_000, 1000) }),
  responses: { 200: '{from, to, span_basis, newest_data, namespaces}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const namespaces = await discoverNamespaces(ctx.db, {
      tenantId: t.id,
      ...r,
      signal: query.signal ?? null,
      limit: query.limit,
    });
    return { tenant: t.code, ...r.span, namespaces };
  },
});

export const discoveryNamesRoute = defineRoute({
  method: 'GET',
  url: '/api/discovery/names',
  summary: 'Names (metrics, span operations, log streams) of a signal, optionally of one namespace',
  description: DESC,
  tags: ['discovery'],
  query: z.strictObject({
    ...base,
    signal: signal.optional(),
    namespace: text.optional(),
    limit: intParam(1, 10_000, 1000),
  }),
  responses: { 200: '{from, to, span_basis, newest_data, names}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const names = await discoverNames(ctx.db, {
      tenantId: t.id,
      ...r,
      signal: query.signal ?? null,
      namespace: query.namespace ?? null,
      limit: query.limit,
    });
    return { tenant: t.code, ...r.span, names };
  },
});

export const discoveryKeysRoute = defineRoute({
  method: 'GET',
  url: '/api/discovery/keys',
  summary: 'Keys of a name with their most frequent values (key= narrows to one key)',
  description: `${DESC} values= is how many values per key (default 20); distinct_values counts them all and values_overflow what the per-key cap turned away.`,
  tags: ['discovery'],
  query: z.strictObject({
    ...base,
    signal,
    namespace: text,
    name: text,
    key: text.optional(),
    values: intParam(0, 10_000, 20),
  }),
  responses: { 200: '{from, to, span_basis, newest_data, keys}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const keys = await discoverKeys(ctx.db, {
      tenantId: t.id,
      ...r,
      signal: query.signal,
      namespace: query.namespace,
      name: query.name,
      key: query.key ?? null,
      values: query.values,
    });
    return { tenant: t.code, ...r.span, signal: query.signal, namespace: query.namespace, name: query.name, keys };
  },
});

export const discoveryCarriersRoute = defineRoute({
  method: 'GET',
  url: '/api/discovery/carriers',
  summary: 'Which names and namespaces carry key=value',
  description: DESC,
  tags: ['discovery'],
  query: z.strictObject({
    ...base,
    key: text,
    value: text,
    signal: signal.optional(),
    limit: intParam(1, 10_000, 1000),
  }),
  responses: { 200: '{from, to, span_basis, newest_data, carriers}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const carriers = await discoverCarriers(ctx.db, {
      tenantId: t.id,
      ...r,
      key: query.key,
      value: query.value,
      signal: query.signal ?? null,
      limit: query.limit,
    });
    return { tenant: t.code, ...r.span, key: query.key, value: query.value, carriers };
  },
});

export const discoveryCooccurringRoute = defineRoute({
  method: 'GET',
  url: '/api/discovery/cooccurring',
  summary: 'The other keys and values that occur in the same records as key=value',
  description: `${DESC} From the distinct attribute sets (capped per name: sets_overflow > 0 means partial).`,
  tags: ['discovery'],
  query: z.strictObject({
    ...base,
    key: text,
    value: text,
    signal: signal.optional(),
    namespace: text.optional(),
    name: text.optional(),
    limit: intParam(1, 10_000, 1000),
  }),
  responses: {
    200: '{from, to, span_basis, newest_data, keys, sets_overflow}',
    400: 'Invalid query',
    404: 'Unknown tenant',
  },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const r = await rangeOf(ctx.db, t.id, query, ctx.clock.now());
    const c = await discoverCooccurring(ctx.db, {
      tenantId: t.id,
      ...r,
      key: query.key,
      value: query.value,
      signal: query.signal ?? null,
      namespace: query.namespace ?? null,
      name: query.name ?? null,
      limit: query.limit,
    });
    return { tenant: t.code, ...r.span, key: query.key, value: query.value, ...c };
  },
});
