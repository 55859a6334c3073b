import { z } from 'zod';
import { iterateWindows, floorTo, upperBound } from '../../core/windows.js';
import { findTenant } from '../../db/queries/tenant.js';
import { enqueueWindows, type EnqueuedWindow } from '../../queue/enqueue.js';
import { CLOUDEVENTS_JSON, extractPayload } from '../cloudevents.js';
import { defineRoute, type ApiContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { instant, parseInput } from '../validate.js';

/** One request enqueues at most this many windows (a week of 1-minute windows is 10,080). */
export const MAX_WINDOWS_PER_REQUEST = 50_000;
/** The response lists at most this many windows; the counts cover all of them. */
export const MAX_LISTED_WINDOWS = 1_000;

/** The enqueue request, whatever the transport (plain JSON, or a CloudEvent's data). */
export const enqueueBody = z
  .strictObject({
    job: z.string().min(1).max(64),
    /** dim_tenant.tenant_id, or the tenant's code. */
    tenant_id: z.union([z.number().int().positive(), z.string().min(1).max(64)]).optional(),
    /** The tenant's code. */
    tenant: z.string().min(1).max(64).optional(),
    from: instant,
    to: instant,
    /** Re-queue windows that already ended (success or dead). */
    force: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.tenant_id === undefined) === (b.tenant === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'give exactly one of tenant or tenant_id' });
    }
    if (!(b.to > b.from)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

export type EnqueueBody = z.output<typeof enqueueBody>;

export interface EnqueueResponse {
  job: string;
  tenant: string;
  /** The aligned range actually enqueued: [from floored, to ceiled) to the job's align. */
  from: string;
  to: string;
  align_ms: number;
  force: boolean;
  /** What this request did: windows created, re-queued (force), or already there and left alone. */
  counts: { inserted: number; requeued: number; existing: number };
  /** Windows per state after the request. */
  states: Record<string, number>;
  windows: { from: string; to: string; status: string; action: string; due: boolean }[];
  windows_truncated: boolean;
}

/** Aligns, enqueues through the queue module (idempotent; force re-queues ended windows), reports. */
export async function enqueueRequest(ctx: ApiContext, body: EnqueueBody): Promise<EnqueueResponse> {
  const ref =
    body.tenant !== undefined
      ? { code: body.tenant }
      : typeof body.tenant_id === 'number'
        ? { id: body.tenant_id }
        : { code: body.tenant_id! };
  const tenant = await findTenant(ctx.db, ref);
  const configured = tenant !== null && ctx.config.tenants.some((t) => t.code === tenant.code);
  if (!tenant || !tenant.enabled || !configured)
    throw notFound('unknown_tenant', 'tenant: no enabled tenant with this id or code');
  if (!ctx.registry.has(body.job)) {
    throw notFound('unknown_job', `job: unknown job (known: ${ctx.registry.jobs.map((j) => j.name).join(', ')})`);
  }
  const settings = ctx.registry.settings(body.job, tenant.code);
  if (!settings.enabled) throw notFound('unknown_job', 'job: this job is disabled for this tenant');

  const align = settings.align;
  const first = floorTo(body.from, align);
  const count = Math.ceil((body.to - first) / align);
  if (count > MAX_WINDOWS_PER_REQUEST) {
    throw badRequest(
      'to',
      `the range holds ${count} windows of this job; at most ${MAX_WINDOWS_PER_REQUEST} per request`,
    );
  }
  const windows = [...iterateWindows(body.from, body.to, align)];
  const now = ctx.clock.now();
  const result: EnqueuedWindow[] = await enqueueWindows(ctx.db, {
    job: body.job,
    tenantId: tenant.id,
    windows,
    maxAttempts: settings.retry.attempts,
    now,
    force: body.force === true,
  });
  const upper = upperBound(now, settings.delay, align);
  const counts = { inserted: 0, requeued: 0, existing: 0 };
  const states: Record<string, number> = {};
  for (const w of result) {
    counts[w.action]++;
    states[w.status] = (states[w.status] ?? 0) + 1;
  }
  return {
    job: body.job,
    tenant: tenant.code,
    from: new Date(first).toISOString(),
    to: new Date(windows.at(-1)!.to).toISOString(),
    align_ms: align,
    force: body.force === true,
    counts,
    states,
    windows: result.slice(0, MAX_LISTED_WINDOWS).map((w) => ({
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
      status: w.status,
      action: w.action,
      // Windows past the job's upper bound are queued now and claimed once the clock passes it.
      due: w.to <= upper,
    })),
    windows_truncated: result.length > MAX_LISTED_WINDOWS,
  };
}

export const enqueueRoute = defineRoute({
  method: 'POST',
  url: '/events/enqueue',
  summary: 'Replay or backfill windows of a job',
  description:
    'Aligns [from, to) to the job’s windows and queues them. Idempotent; a successful window is queued ' +
    'again only with force. Plain JSON, or a CloudEvent (structured: application/cloudevents+json with the ' +
    'request in data; binary: ce-* headers and the request as the body). Windows past the job’s upper ' +
    'bound are accepted and run once due.',
  tags: ['events'],
  body: enqueueBody,
  bodyTypes: ['application/json', CLOUDEVENTS_JSON],
  responses: {
    202: 'Queued: the windows and their states',
    400: 'Invalid request (field and reason)',
    401: 'Missing or wrong bearer token',
    404: 'Unknown job or tenant',
    413: 'Body too large',
    415: 'Unsupported Content-Type',
  },
  async handler({ req, reply, ctx }) {
    const ex = extractPayload(req.headers, req.body);
    const body = parseInput(enqueueBody, ex.payload, ex.mode === 'plain' ? '' : 'data');
    const out = await enqueueRequest(ctx, body);
    if (out.counts.inserted + out.counts.requeued > 0) ctx.onEnqueued?.();
    ctx.logger.info(
      {
        request_id: req.id,
        job: out.job,
        tenant: out.tenant,
        window: { from: out.from, to: out.to },
        force: out.force,
        mode: ex.mode,
        ...(ex.event ? { event: { id: ex.event.id, source: ex.event.source, type: ex.event.type } } : {}),
        counts: out.counts,
      },
      'enqueue',
    );
    return reply.code(202).send(out);
  },
});
