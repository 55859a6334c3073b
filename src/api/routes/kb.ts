import { z } from 'zod';
import { searchSettings } from '../../kb/config.js';
import { embedderFromConfig } from '../../kb/embeddings.js';
import { MAX_QUERY_CHARS, MAX_RESULTS, searchKb } from '../../kb/search.js';
import { defineRoute } from '../context.js';
import { requireTenant } from '../tenant.js';
import { intParam, isoInstant } from '../validate.js';

export const kbSearchRoute = defineRoute({
  method: 'GET',
  url: '/api/kb/search',
  summary: 'Hybrid knowledge-base search (full-text + trigram + vector when configured, rank-fused)',
  description:
    'Runbook and postmortem chunks for a question. Without tenant only shared documents are searched; with ' +
    "one, that tenant's documents too. urn keeps documents that mention the resource; from/to filter on the " +
    "document's date. methods says which retrieval methods ran (vector is off without an embeddings provider).",
  tags: ['read'],
  query: z.strictObject({
    q: z.string().trim().min(1, 'is required').max(MAX_QUERY_CHARS),
    tenant: z.string().min(1).max(64).optional(),
    urn: z.string().min(1).max(1024).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: intParam(1, MAX_RESULTS, 5),
  }),
  responses: { 200: '{query, methods, hits}', 400: 'Invalid query', 404: 'Unknown tenant' },
  async handler({ query, ctx }) {
    const tenantId = query.tenant === undefined ? null : (await requireTenant(ctx.db, query.tenant)).id;
    const kb = ctx.config.kb;
    return searchKb(
      ctx.db,
      {
        text: query.q,
        tenantId,
        urn: query.urn ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        limit: query.limit,
      },
      { embedder: embedderFromConfig(kb), settings: searchSettings(kb) },
    );
  },
});
