import { z } from 'zod';
import { foreignLocators, writeExternalEvent, type ExternalWritten } from '../../db/queries/external-events.js';
import { findTenant } from '../../db/queries/tenant.js';
import { CLOUDEVENTS_JSON, extractPayload } from '../cloudevents.js';
import { defineRoute } from '../context.js';
import {
  alertmanagerBody,
  EXTERNAL_EVENTS_BODY_LIMIT,
  fromAlertmanager,
  fromCloudEvent,
  type ExternalEvent,
} from '../external-events.js';
import { badRequest, notFound } from '../errors.js';

export const postEventsRoute = defineRoute({
  method: 'POST',
  url: '/api/events',
  summary: 'Events from outside: an Alertmanager webhook or a CloudEvent',
  description:
    'An Alertmanager webhook body (version "4"; each alert is one event keyed by its fingerprint, its ' +
    'generatorURL and runbook_url annotation become evidence links) or a CloudEvent (structured: ' +
    `${CLOUDEVENTS_JSON}; binary: ce-* headers) whose data is {title, tenant?, key?, status?, severity?, ` +
    'kind?, summary?, labels?, resource?, value?, started_at?, ended_at?, evidence?: [{ref_pg|ref_oo|url, dim?, ' +
    'note?}]}, keyed by source + key (else id). Posting the same event again updates it; status ' +
    'resolved resolves it. Tenant: the tenant query parameter, else the alert label / data field ' +
    `tenant. Body limit ${EXTERNAL_EVENTS_BODY_LIMIT / 1024} KiB.`,
  tags: ['events'],
  query: z.strictObject({ tenant: z.string().min(1).max(64).optional() }),
  body: alertmanagerBody,
  bodyTypes: ['application/json', CLOUDEVENTS_JSON],
  bodyLimit: EXTERNAL_EVENTS_BODY_LIMIT,
  responses: {
    200: '{events: [{event_id, external_id, tenant, action}], created: []}: nothing new',
    201: '{events, created}: created holds the ids of the events this request created',
    400: 'Invalid body (field and reason)',
    401: 'Missing or wrong bearer token',
    404: 'Unknown tenant',
    413: 'Body too large',
    415: 'Unsupported Content-Type',
  },
  async handler({ query, req, reply, ctx }) {
    const now = ctx.clock.now();
    const ex = extractPayload(req.headers, req.body);
    let events: ExternalEvent[];
    if (ex.mode === 'plain') {
      if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
        throw badRequest('(body)', 'must be an Alertmanager webhook object or a CloudEvent');
      }
      events = fromAlertmanager(req.body, query.tenant, now);
    } else {
      events = [fromCloudEvent(ex.event!, ex.payload, ex.mode === 'structured' ? 'data' : '', query.tenant, now)];
    }
    // Tenants and locator refs are checked before anything is written: a bad event rejects the request.
    const tenants = new Map<string, number>();
    for (const e of events) {
      if (tenants.has(e.tenant)) continue;
      const t = await findTenant(ctx.db, { code: e.tenant });
      if (!t) throw notFound('unknown_tenant', 'tenant: no tenant with this code');
      tenants.set(e.tenant, t.id);
    }
    for (const e of events) {
      const ids = e.evidence.flatMap((x) => (x.ref_oo !== undefined ? [x.ref_oo] : []));
      const foreign = await foreignLocators(ctx.db, tenants.get(e.tenant)!, ids);
      const i = e.evidence.findIndex((x) => x.ref_oo !== undefined && foreign.has(x.ref_oo));
      if (i >= 0)
        throw badRequest(`${prefixed(e.field, 'evidence')}[${i}].ref_oo`, 'no locator of this tenant has this id');
    }
    const written: ExternalWritten[] = await ctx.db.transaction(async (tx) => {
      const out: ExternalWritten[] = [];
      for (const e of events) {
        out.push({ tenant: e.tenant, ...(await writeExternalEvent(tx, tenants.get(e.tenant)!, e, now)) });
      }
      return out;
    });
    const created = written.filter((w) => w.action === 'created').map((w) => w.event_id);
    ctx.logger.info(
      {
        request_id: req.id,
        mode: ex.mode === 'plain' ? 'alertmanager' : `cloudevent-${ex.mode}`,
        events: written.length,
        created: created.length,
      },
      'external events',
    );
    return reply.code(created.length > 0 ? 201 : 200).send({ events: written, created });
  },
});

const prefixed = (field: string, name: string): string => (field === '' ? name : `${field}.${name}`);
