/**
 * The Planner (seed 001 §6.1): a template plan, or the LLM's, enters the agent only after it
 * validates against the ChangePlan schema. Then, in one transaction: plan_proposed row, a timeline
 * note and evt.plan.proposed.v1 — the Orchestrator, consuming that event, decides plan_ready.
 * Invalid output is rejected and recorded (timeline note `plan_rejected` with the schema errors and
 * the head of the raw output), never stored as a plan and so never executed.
 */
import { randomUUID } from 'node:crypto';
import { validatePlan } from '../plan-schema.js';
import { fail, type RoleAnswer, type RoleDeps } from '../roles.js';
import { appendOutbox, appendTimeline, getCase } from '../store.js';
import { insertPlan } from '../store.js';
import { allowedActions } from '../gatekeeper.js';
import { askLlm } from './llm.js';
import { defaultTemplate, TEMPLATES } from './templates.js';

export interface GenerateRequest {
  caseId: string;
  template?: string | undefined;
  planner?: 'template' | 'llm' | undefined;
  actor?: string | undefined;
}

/** Top knowledge-base chunks for a case (the Librarian); none when no KB is wired. */
export type Librarian = (tenant: string, text: string) => Promise<unknown[]>;

const PLANNABLE = new Set(['ANALYZING', 'PLANNING']);

export async function generatePlan(d: RoleDeps, r: GenerateRequest, librarian?: Librarian): Promise<RoleAnswer> {
  const c = await getCase(d.db, r.caseId);
  if (!c) return fail(404, 'case_not_found', `no case ${r.caseId}`);
  if (!PLANNABLE.has(c.status))
    return fail(409, 'case_not_planning', `a plan is proposed in ANALYZING or PLANNING; the case is ${c.status}`, {
      status: c.status,
    });
  const subject = { tenant: c.tenant, title: c.title, source: c.source };
  const mode = r.planner ?? 'template';
  const knowledge = librarian ? await librarian(c.tenant, c.title).catch(() => []) : [];

  let candidate: unknown;
  let origin: string;
  let raw: string | undefined;
  if (mode === 'llm') {
    const llm = d.settings.llm;
    if (!llm)
      return fail(400, 'llm_not_configured', 'planner: llm needs ops.planner.llm in the config', { field: 'planner' });
    const out = await askLlm(
      {
        url: llm.url,
        model: llm.model,
        apiKey: llm.apiKeyEnv ? process.env[llm.apiKeyEnv] : undefined,
        timeoutMs: llm.timeoutMs,
      },
      {
        summary: c.title,
        tenant: c.tenant,
        evidence: c.source,
        knowledge,
        allowedActions: allowedActions(d.settings, c.tenant),
      },
    );
    origin = `llm:${llm.model}`;
    if (!out.ok) return rejected(d, c.id, c.version, origin, [out.error], out.raw, r.actor);
    candidate = out.candidate;
    raw = out.raw;
  } else {
    const name = r.template ?? defaultTemplate(subject);
    const t = TEMPLATES[name];
    if (!t)
      return fail(400, 'unknown_template', `template: unknown (known: ${Object.keys(TEMPLATES).join(', ')})`, {
        field: 'template',
      });
    candidate = t(subject);
    origin = `template:${name}`;
  }

  const v = validatePlan(candidate);
  if (!v.ok) return rejected(d, c.id, c.version, origin, v.errors, raw, r.actor);
  const plan = knowledge.length > 0 ? { ...v.plan, knowledge } : v.plan;

  const id = randomUUID();
  await d.db.transaction(async (tx) => {
    await insertPlan(tx, { id, caseId: c.id, plan, origin });
    await appendTimeline(tx, c.id, {
      event: 'plan_proposed',
      actor: r.actor ?? 'planner',
      meta: { plan_id: id, origin },
      version: c.version,
      outcome: 'note',
    });
    await appendOutbox(tx, [
      {
        msgId: `plan:${id}:proposed`,
        topic: 'evt.plan.proposed.v1',
        key: c.id,
        payload: { case_id: c.id, tenant: c.tenant, plan_id: id, origin },
      },
    ]);
  });
  d.kick();
  return { status: 201, body: { data: { plan_id: id, case_id: c.id, origin, plan } } };
}

async function rejected(
  d: RoleDeps,
  caseId: string,
  version: number,
  origin: string,
  errors: string[],
  raw: string | undefined,
  actor: string | undefined,
): Promise<RoleAnswer> {
  await appendTimeline(d.db, caseId, {
    event: 'plan_rejected',
    actor: actor ?? 'planner',
    reason: errors[0],
    meta: { origin, errors: errors.slice(0, 20), ...(raw === undefined ? {} : { raw_head: raw.slice(0, 2000) }) },
    version,
    outcome: 'note',
  });
  d.logger.warn(
    { case_id: caseId, origin, errors: errors.slice(0, 5) },
    'planner: output rejected by the ChangePlan schema',
  );
  return fail(422, 'plan_invalid', `plan from ${origin} rejected: ${errors[0]}`, { problems: errors });
}
