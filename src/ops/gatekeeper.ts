/**
 * The Gatekeeper (seed 001 §6.4): a deterministic policy, never an LLM. `decide` is pure — the
 * plan, the tenant, the instant and the policy in, a decision out:
 *   1. every step's action must be allowed for the tenant (gatekeeper.tenants.<code>.allowed_actions,
 *      else gatekeeper.allowed_actions);
 *   2. no change inside a freeze, and only inside a change window when windows are configured;
 *   3. risk = max(the plan's own risk_score, the score of its actions); below auto_approve_below it
 *      is approved, otherwise it waits for a human (`manual`: gate_approved with meta.approver).
 * `evaluateGate` records the decision (plan_approved) and its event in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { ChangePlan, PlanAction } from './plan-schema.js';
import { fail, type RoleAnswer, type RoleDeps } from './roles.js';
import type { OpsSettings } from './settings.js';
import { appendOutbox, appendTimeline, getCase, insertDecision, latestPlan, type DecisionRow } from './store.js';

/** Base risk of one step of each action; a plan's score is its riskiest step plus 0.1 per extra risky step. */
export const ACTION_RISK: Readonly<Record<PlanAction, number>> = {
  noop: 0,
  'script.exec': 0.3,
  'k8s.rollout': 0.35,
  'gateway.flip': 0.5,
};

export function allowedActions(s: OpsSettings, tenant: string): readonly PlanAction[] {
  return s.gate.tenants[tenant]?.allowed_actions ?? s.gate.allowedActions;
}

export function actionRisk(plan: ChangePlan): number {
  const risks = plan.steps.map((st) => ACTION_RISK[st.action] ?? 1).sort((a, b) => b - a);
  const extra = risks.slice(1).filter((r) => r > 0).length * 0.1;
  return Math.min(1, (risks[0] ?? 0) + extra);
}

const DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Inside one of the windows (UTC, `to` exclusive; a window with from > to wraps past midnight). */
export function inChangeWindow(windows: OpsSettings['gate']['changeWindows'], t: number): boolean {
  if (windows.length === 0) return true;
  const d = new Date(t);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  const mins = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return windows.some((w) => {
    const from = mins(w.from);
    const to = mins(w.to);
    const inside = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    // For a wrapping window the part after midnight belongs to the previous day's window.
    const day = from > to && minute < to ? (d.getUTCDay() + 6) % 7 : d.getUTCDay();
    return inside && (!w.days || w.days.includes(DAY[day]!));
  });
}

export type GateDecision = DecisionRow['decision'] & {
  outcome: 'approved' | 'rejected' | 'manual';
  risk: number;
  reasons: string[];
  threshold: number;
};

export function decide(s: OpsSettings, tenant: string, plan: ChangePlan, now: number): GateDecision {
  const allowed = new Set(allowedActions(s, tenant));
  const reasons: string[] = [];
  const forbidden = plan.steps.flatMap((st, i) => (allowed.has(st.action) ? [] : [`step ${i}: ${st.action}`]));
  if (forbidden.length > 0) reasons.push(`action not allowed for tenant ${tenant} (${forbidden.join(', ')})`);
  if (s.gate.freeze.some((f) => now >= f.from && now < f.to)) reasons.push('inside a change freeze');
  if (!inChangeWindow(s.gate.changeWindows, now)) reasons.push('outside every change window');
  const risk = Math.max(plan.risk_score ?? 0, actionRisk(plan));
  const threshold = s.gate.autoApproveBelow;
  if (reasons.length > 0) return { outcome: 'rejected', risk, reasons, threshold };
  if (risk < threshold)
    return { outcome: 'approved', risk, reasons: [`risk ${risk.toFixed(2)} < ${threshold}`], threshold };
  return { outcome: 'manual', risk, reasons: [`risk ${risk.toFixed(2)} >= ${threshold}: a human approves`], threshold };
}

const TOPIC = {
  approved: 'evt.plan.approved.v1',
  rejected: 'evt.plan.rejected.v1',
  manual: 'evt.plan.manual.v1',
} as const;

export async function evaluateGate(d: RoleDeps, caseId: string, actor?: string): Promise<RoleAnswer> {
  const c = await getCase(d.db, caseId);
  if (!c) return fail(404, 'case_not_found', `no case ${caseId}`);
  if (c.status !== 'WAIT_GATE')
    return fail(409, 'case_not_waiting', `the gate evaluates cases in WAIT_GATE; the case is ${c.status}`, {
      status: c.status,
    });
  const plan = await latestPlan(d.db, c.id);
  if (!plan) return fail(409, 'no_plan', 'the case has no proposed plan');
  const decision = decide(d.settings, c.tenant, plan.plan as ChangePlan, d.clock.now());
  const id = randomUUID();
  await d.db.transaction(async (tx) => {
    await insertDecision(tx, { id, caseId: c.id, planId: plan.id, decision });
    await appendTimeline(tx, c.id, {
      event: 'gate_decision',
      actor: actor ?? 'gatekeeper',
      reason: decision.reasons[0],
      meta: { plan_id: plan.id, decision_id: id, ...decision },
      version: c.version,
      outcome: 'note',
    });
    await appendOutbox(tx, [
      {
        msgId: `decision:${id}`,
        topic: TOPIC[decision.outcome],
        key: c.id,
        payload: { case_id: c.id, tenant: c.tenant, plan_id: plan.id, decision_id: id, decision },
      },
    ]);
  });
  d.kick();
  return { status: 200, body: { data: { decision_id: id, plan_id: plan.id, ...decision } } };
}
