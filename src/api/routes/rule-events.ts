import { z } from 'zod';
import { ackEvent, EVENT_STATUSES, getEvent, listEvents, type EventCursor } from '../../db/queries/events.js';
import { UUID_RE } from '../../db/queries/evidence.js';
import type { RulesJobDefinition } from '../../jobs/rules.js';
import { ConfigError } from '../../core/errors.js';
import { defineRoute, type ApiContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { requireTenant } from '../tenant.js';
import { decodeCursor, durationParam, encodeCursor, intParam, isoInstant, parseInput } from '../validate.js';

const tenantParam = z.string().min(1).max(64);
const idParams = z.strictObject({ id: z.string().regex(UUID_RE, 'must be a UUID') });

const isEventCursor = (v: unknown): v is EventCursor =>
  Array.isArray(v) &&
  v.length === 2 &&
  Number.isSafeInteger(v[0]) &&
  typeof v[1] === 'string' &&
  UUID_RE.test(v[1] as string);

export const listEventsRoute = defineRoute({
  method: 'GET',
  url: '/api/events',
  summary: 'Events of a tenant, newest first (paginated)',
  description:
    'Events opened by the rules (and posted from outside), with their lifecycle: status open|resolved, ' +
    'first/last seen, peak value, windows, flaps, acknowledgement and evidence count. since: an ISO time or ' +
    'a duration back from now (1h); it keeps events seen since then.',
  tags: ['read'],
  query: z.strictObject({
    tenant: tenantParam,
    status: z.enum(EVENT_STATUSES).optional(),
    since: z.union([isoInstant, durationParam(366 * 86_400_000, '366d')]).optional(),
    rule: z.string().min(1).max(64).optional(),
    limit: intParam(1, 1000, 100),
    cursor: z.string().max(2048).optional(),
  }),
  responses: {
    200: '{events, next}: pass next as cursor for the following page',
    400: 'Invalid query',
    404: 'Unknown tenant',
  },
  async handler({ query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, isEventCursor);
    // A duration parses to a small number of ms; an ISO time to an epoch well past it.
    const since =
      query.since === undefined ? null : query.since <= 366 * 86_400_000 ? ctx.clock.now() - query.since : query.since;
    const page = await listEvents(ctx.db, {
      tenantId: t.id,
      status: query.status ?? null,
      since,
      rule: query.rule ?? null,
      limit: query.limit,
      after,
    });
    return { tenant: t.code, events: page.events, next: page.next ? encodeCursor(page.next) : null };
  },
});

export const getEventRoute = defineRoute({
  method: 'GET',
  url: '/api/events/:id',
  summary: 'One event with its lifecycle',
  tags: ['read'],
  params: idParams,
  query: z.strictObject({ tenant: tenantParam }),
  responses: { 200: '{event}', 400: 'Invalid id', 404: 'No such event for this tenant' },
  async handler({ params, query, ctx }) {
    const t = await requireTenant(ctx.db, query.tenant);
    const e = await getEvent(ctx.db, t.id, params.id);
    if (!e) throw notFound('unknown_event', 'event: no such event for this tenant');
    return { tenant: t.code, event: e };
  },
});

export const ackBody = z.strictObject({
  tenant: tenantParam,
  by: z.string().min(1).max(200).optional(),
  note: z.string().max(4000).optional(),
});

export const ackEventRoute = defineRoute({
  method: 'POST',
  url: '/api/events/:id/ack',
  summary: 'Acknowledge an event',
  description: 'Records who acknowledged the event and when (the injected clock); the rules never clear it.',
  tags: ['events'],
  params: idParams,
  body: ackBody,
  responses: { 200: '{event}', 400: 'Invalid id or body', 404: 'No such event for this tenant' },
  async handler({ params, req, ctx }) {
    const body = parseInput(ackBody, req.body);
    const t = await requireTenant(ctx.db, body.tenant);
    const ok = await ackEvent(ctx.db, {
      tenantId: t.id,
      eventId: params.id,
      at: ctx.clock.now(),
      by: body.by ?? null,
      note: body.note ?? null,
    });
    if (!ok) throw notFound('unknown_event', 'event: no such event for this tenant');
    return { tenant: t.code, event: await getEvent(ctx.db, t.id, params.id) };
  },
});

/** The rules job's book, when this process runs the rules job. */
export function rulesBook(ctx: Pick<ApiContext, 'registry'>): RulesJobDefinition['book'] | undefined {
  const def = ctx.registry.jobs.find((j) => j.name === 'rules') as RulesJobDefinition | undefined;
  return def?.book;
}

export const reloadRulesRoute = defineRoute({
  method: 'POST',
  url: '/api/rules/reload',
  summary: 'Re-read the rules from the config file',
  description:
    'Replaces the rules of the running process (as SIGHUP does). A broken rule is reported with its path and ' +
    'left out; the other rules are loaded (200 with problems). A config file that cannot be read or parsed ' +
    'leaves the current rules in place (422).',
  tags: ['events'],
  responses: { 200: '{rules, problems}', 404: 'This process does not run the rules job', 422: 'Config unreadable' },
  async handler({ ctx }) {
    const book = rulesBook(ctx);
    if (!book) throw notFound('no_rules_job', 'rules: this process does not run the rules job');
    try {
      const r = book.reload();
      ctx.logger.info({ rules: r.rules, problems: r.problems }, 'rules reloaded');
      return { rules: r.rules, problems: r.problems };
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new ApiError(
          422,
          'config_invalid',
          'config: the file could not be loaded; the current rules stay',
          undefined,
          e.problems,
        );
      }
      throw e;
    }
  },
});
