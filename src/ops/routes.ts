/**
 * The agent's HTTP routes (seed 001 §3), served by ObserveBridge's one fastify server. PATCH
 * /case/{id}/transition is the only route that changes a case's state; the role routes (plan, gate,
 * exec, verify) record facts whose events the Orchestrator turns into transitions. Each role route
 * lets the bus settle before answering, so its answer shows where the case got to.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { defineRoute, type ApiContext } from '../api/context.js';
import { ApiError } from '../api/errors.js';
import { intParam, parseInput } from '../api/validate.js';
import type { OpsAgent } from './agent.js';
import { CASE_EVENTS } from './fsm.js';
import { getCase, latestDecision, latestPlan, listCases, outboxFor, stepsOf, timeline } from './store.js';

const uuid = z.string().uuid('must be a case id (UUID)');
const tenantCode = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a tenant code (letters, digits, _ . -)');
const actor = z.string().min(1).max(200);
const caseParams = z.strictObject({ id: uuid });

export const createBody = z.strictObject({
  title: z.string().min(1).max(500),
  tenant: tenantCode,
  source: z.record(z.string(), z.unknown()).optional(),
  actor: actor.optional(),
});

export const transitionBody = z.strictObject({
  event: z.enum(CASE_EVENTS),
  actor: actor.optional(),
  reason: z.string().max(2000).optional(),
  correlation_id: z.string().max(200).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  expected_version: z.number().int().min(1).optional(),
});

const caseRef = z.strictObject({ case_id: uuid, actor: actor.optional() });
export const planBody = caseRef.extend({
  template: z.string().min(1).max(100).optional(),
  planner: z.enum(['template', 'llm']).optional(),
});
export const execBody = caseRef.extend({
  /** One step instead of the plan's: `script` is the seed's short form of script.exec. */
  adapter: z.enum(['noop', 'script', 'script.exec', 'k8s.rollout', 'gateway.flip', 'webhook']).optional(),
  script: z.string().min(1).max(4000).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  timeout_s: z.number().int().min(1).max(3600).optional(),
  dry_run: z.boolean().optional(),
});

function agent(ctx: ApiContext): OpsAgent {
  if (!ctx.ops) throw new ApiError(503, 'ops_disabled', 'the OPS agent is disabled (ops.enabled: false)');
  return ctx.ops;
}

const idemKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `"3"`, `W/"3"` or `3` → 3; `*` → any version. */
export function parseIfMatch(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(v);
  if (!m)
    throw new ApiError(400, 'invalid_request', 'If-Match: must be the case version as an ETag, e.g. "3"', 'If-Match');
  return Number(m[1]);
}

function send(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  const b = status >= 400 ? { ...body, request_id: reply.request.id } : body;
  const version = (body.data as { version?: unknown } | undefined)?.version;
  if (typeof version === 'number') reply.header('etag', `"${version}"`);
  return reply.code(status).type('application/json; charset=utf-8').send(b);
}

/** A role's answer, after the bus settled, with the case's state now. */
async function settled(
  ctx: ApiContext,
  reply: FastifyReply,
  caseId: string,
  a: { status: number; body: Record<string, unknown> },
) {
  const ops = agent(ctx);
  if (a.status < 300) await ops.settle(5_000);
  const c = await getCase(ctx.db, caseId);
  return send(reply, a.status, {
    ...a.body,
    ...(c ? { case: { id: c.id, status: c.status, version: c.version } } : {}),
  });
}

const TAGS = ['ops'];

export const caseCreateRoute = defineRoute({
  method: 'POST',
  url: '/case/create',
  summary: 'Open a case (NEW, version 1)',
  tags: TAGS,
  body: createBody,
  responses: { 201: '`{data: <case id>, case}`', 400: 'invalid body', 422: 'Idempotency-Key reused' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(createBody, req.body ?? {}, '');
    const key = header(req.headers['idempotency-key']);
    const a = await agent(ctx).createCase({
      title: b.title,
      tenant: b.tenant,
      source: b.source,
      actor: b.actor,
      idempotencyKey: key === undefined ? undefined : parseInput(idemKey, key, 'Idempotency-Key'),
    });
    return send(reply, a.status, a.body);
  },
});

export const caseFromEventRoute = defineRoute({
  method: 'POST',
  url: '/case/from-event',
  summary: 'Open a case from an ObserveBridge event (event_envelope) with its evidence, and start its analysis',
  tags: TAGS,
  body: z.strictObject({ event_id: z.string().uuid('must be an event id (UUID)'), actor: actor.optional() }),
  responses: { 201: '`{data: <case id>, case}` (the same case for the same event)', 404: 'no such event' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(
      z.strictObject({ event_id: z.string().uuid('must be an event id (UUID)'), actor: actor.optional() }),
      req.body ?? {},
      '',
    );
    const a = await agent(ctx).openFromEvent(b.event_id, b.actor);
    if (a.status >= 300) return send(reply, a.status, a.body);
    return settled(ctx, reply, String(a.body.data), a);
  },
});

export const caseListRoute = defineRoute({
  method: 'GET',
  url: '/cases',
  summary: 'Newest cases, optionally of one tenant',
  tags: TAGS,
  query: z.strictObject({ tenant: tenantCode.optional(), limit: intParam(1, 500, 50) }),
  responses: { 200: '`{data: [case]}`' },
  async handler({ query, ctx }) {
    return { data: await listCases(ctx.db, query.tenant, query.limit) };
  },
});

export const caseShowRoute = defineRoute({
  method: 'GET',
  url: '/case/:id',
  summary: 'A case with its latest plan, gate decision, steps and outbox messages',
  tags: TAGS,
  params: caseParams,
  responses: { 200: '`{data: case, plan, decision, steps, outbox}`', 404: 'no such case' },
  async handler({ params, reply, ctx }) {
    const c = await getCase(ctx.db, params.id);
    if (!c) throw new ApiError(404, 'case_not_found', 'no such case');
    const plan = await latestPlan(ctx.db, c.id);
    return send(reply, 200, {
      data: c,
      plan: plan ?? null,
      decision: plan ? ((await latestDecision(ctx.db, plan.id)) ?? null) : null,
      steps: await stepsOf(ctx.db, c.id),
      outbox: await outboxFor(ctx.db, c.id),
    });
  },
});

export const caseTimelineRoute = defineRoute({
  method: 'GET',
  url: '/case/:id/timeline',
  summary: "A case's timeline: accepted transitions, refused attempts and the roles' notes",
  tags: TAGS,
  params: caseParams,
  responses: { 200: '`{data: [row]}`', 404: 'no such case' },
  async handler({ params, ctx }) {
    if (!(await getCase(ctx.db, params.id))) throw new ApiError(404, 'case_not_found', 'no such case');
    return { data: await timeline(ctx.db, params.id) };
  },
});

export const caseTransitionRoute = defineRoute({
  method: 'PATCH',
  url: '/case/:id/transition',
  summary: 'The only way to change a case: one event, applied in one transaction',
  description:
    'Headers: Idempotency-Key (a repeat replays the first answer and writes nothing), If-Match (the ETag/version; ' +
    'a mismatch is 412). Body expected_version: a mismatch is 409.',
  tags: TAGS,
  params: caseParams,
  body: transitionBody,
  responses: {
    200: '`{data: case, transition, outbox}`',
    409: 'illegal move or expected_version mismatch',
    412: 'If-Match mismatch',
    422: 'guard failed (recorded on the timeline) or Idempotency-Key reused',
  },
  async handler({ params, req, reply, ctx }) {
    const b = parseInput(transitionBody, req.body ?? {}, '');
    const key = header(req.headers['idempotency-key']);
    const a = await agent(ctx).transition({
      caseId: params.id,
      event: b.event,
      actor: b.actor,
      reason: b.reason,
      correlationId: b.correlation_id,
      meta: b.meta,
      expectedVersion: b.expected_version,
      ifMatch: parseIfMatch(header(req.headers['if-match'])),
      idempotencyKey: key === undefined ? undefined : parseInput(idemKey, key, 'Idempotency-Key'),
    });
    if (a.replayed) reply.header('idempotent-replayed', 'true');
    return send(reply, a.status, a.body);
  },
});

export const planGenerateRoute = defineRoute({
  method: 'POST',
  url: '/plan/generate',
  summary: 'Propose a plan (template or LLM); it is stored only if it validates against ChangePlan',
  tags: TAGS,
  body: planBody,
  responses: { 201: 'plan proposed', 409: 'case not in ANALYZING/PLANNING', 422: 'plan rejected by the schema' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(planBody, req.body ?? {}, '');
    const a = await agent(ctx).generatePlan({
      caseId: b.case_id,
      template: b.template,
      planner: b.planner,
      actor: b.actor,
    });
    return settled(ctx, reply, b.case_id, a);
  },
});

export const gateEvalRoute = defineRoute({
  method: 'POST',
  url: '/gate/eval',
  summary: "Run the gate's policy on the case's latest plan",
  tags: TAGS,
  body: caseRef,
  responses: { 200: 'decision recorded', 409: 'case not in WAIT_GATE' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(caseRef, req.body ?? {}, '');
    return settled(ctx, reply, b.case_id, await agent(ctx).evaluateGate(b.case_id, b.actor));
  },
});

export const adapterExecRoute = defineRoute({
  method: 'POST',
  url: '/adapter/exec',
  summary: "Run the approved plan's steps, or one named step (`adapter` + `script`)",
  tags: TAGS,
  body: execBody,
  responses: { 200: 'execution recorded', 409: 'case not in EXECUTING', 422: 'action not allowed' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(execBody, req.body ?? {}, '');
    let step;
    if (b.adapter !== undefined) {
      const action = b.adapter === 'script' ? 'script.exec' : b.adapter === 'webhook' ? 'k8s.rollout' : b.adapter;
      const params = { ...(b.params ?? {}), ...(b.script === undefined ? {} : { command: b.script }) };
      step = { action, params, ...(b.timeout_s === undefined ? {} : { timeout_s: b.timeout_s }) } as const;
    } else if (b.script !== undefined) {
      throw new ApiError(400, 'invalid_request', 'script: needs adapter (e.g. "script")', 'script');
    }
    const a = await agent(ctx).execute({ caseId: b.case_id, step, dryRun: b.dry_run });
    return settled(ctx, reply, b.case_id, a);
  },
});

export const verifyRunRoute = defineRoute({
  method: 'POST',
  url: '/verify/run',
  summary: "Check the plan's verify block against the summaries",
  tags: TAGS,
  body: caseRef,
  responses: { 200: 'verification recorded', 409: 'case not in VERIFYING' },
  async handler({ req, reply, ctx }) {
    const b = parseInput(caseRef, req.body ?? {}, '');
    return settled(ctx, reply, b.case_id, await agent(ctx).verify(b.case_id));
  },
});

export const OPS_ROUTES = [
  caseCreateRoute,
  caseFromEventRoute,
  caseListRoute,
  caseShowRoute,
  caseTimelineRoute,
  caseTransitionRoute,
  planGenerateRoute,
  gateEvalRoute,
  adapterExecRoute,
  verifyRunRoute,
];

/** Path prefixes of the agent's routes (the form-encoded body parser accepts only these). */
export const OPS_PATHS = ['/case/', '/cases', '/plan/', '/gate/', '/adapter/', '/verify/'];
