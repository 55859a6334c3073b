/**
 * The guards of seed 001 §4: a positive move needs proof in the database (a complete plan, an
 * approval of that plan, the executed steps, a passed verification). Negative moves (rejected,
 * failed, resume) stay unguarded: "先宽后紧" — a guard that blocks a case from parking would trap it.
 *
 * `loadFacts` reads what a guard needs inside the transition's transaction; `guardProblems` is pure.
 */
import type { Queryable } from '../db/types.js';
import type { CaseEvent } from './fsm.js';
import { planProblems } from './plan-schema.js';
import { getVerifyRun, latestDecision, latestPlan, stepsBetween, type DecisionRow, type PlanRow } from './store.js';

export interface GuardFacts {
  plan?: PlanRow | undefined;
  decision?: DecisionRow | undefined;
  /** exec_done: the last attempt of each step of the run the meta names. */
  steps?: { step_index: number; attempt: number; status: string }[] | undefined;
  verify?: { case_id: string; plan_id: string | null; passed: boolean } | undefined;
}

export interface GuardInput {
  caseId: string;
  event: CaseEvent;
  actor?: string | undefined;
  meta: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

export async function loadFacts(q: Queryable, g: GuardInput): Promise<GuardFacts> {
  switch (g.event) {
    case 'plan_ready':
      return { plan: await latestPlan(q, g.caseId) };
    case 'gate_approved': {
      const plan = await latestPlan(q, g.caseId);
      return { plan, decision: plan ? await latestDecision(q, plan.id) : undefined };
    }
    case 'exec_done': {
      const exec = g.meta.exec as { first_step_id?: unknown; last_step_id?: unknown } | undefined;
      const a = num(exec?.first_step_id);
      const b = num(exec?.last_step_id);
      return { steps: a !== undefined && b !== undefined ? await stepsBetween(q, g.caseId, a, b) : undefined };
    }
    case 'verify_pass': {
      const id = num(g.meta.verify_run_id);
      return { verify: id === undefined ? undefined : await getVerifyRun(q, id) };
    }
    default:
      return {};
  }
}

/** Why `event` may not fire given `facts`; empty when it may. Pure. */
export function guardProblems(g: GuardInput, facts: GuardFacts): string[] {
  switch (g.event) {
    case 'plan_ready':
      if (!facts.plan) return ['no plan has been proposed for this case'];
      return planProblems(facts.plan.plan).map((p) => `plan ${facts.plan!.id}: ${p}`);
    case 'gate_approved': {
      if (!facts.plan) return ['no plan has been proposed for this case'];
      const d = facts.decision;
      if (!d) return [`plan ${facts.plan.id} has not been through the gate (POST /gate/eval)`];
      if (d.decision.outcome === 'approved') return [];
      if (d.decision.outcome === 'manual') {
        const approver = g.meta.approver;
        return typeof approver === 'string' && approver.length > 0
          ? []
          : [`plan ${facts.plan.id} needs a human approval: send meta.approver`];
      }
      return [`plan ${facts.plan.id} was rejected by the gate`];
    }
    case 'exec_done': {
      const steps = facts.steps;
      if (!steps || steps.length === 0) return ['exec_done needs the execution it reports (meta.exec)'];
      const last = new Map<number, string>();
      for (const s of steps) last.set(s.step_index, s.status);
      const bad = [...last].filter(([, st]) => st !== 'ok' && st !== 'dry_run').map(([i, st]) => `step ${i}: ${st}`);
      return bad.length > 0 ? [`not every step succeeded (${bad.join(', ')})`] : [];
    }
    case 'verify_pass': {
      const v = facts.verify;
      if (!v || v.case_id !== g.caseId) return ['verify_pass needs the verification it reports (meta.verify_run_id)'];
      return v.passed ? [] : ['that verification did not pass'];
    }
    default:
      return [];
  }
}
