/**
 * The agent's consumers. The Orchestrator turns the roles' fact events into transitions (seed §3:
 * "EV -- evt.* --> O"), each through transitionInTx in the same transaction as its inbox row, so a
 * redelivered event moves nothing twice. With ops.auto_drive the roles also act on the commands the
 * Orchestrator emits (cmd.plan.generate, cmd.gate.eval, cmd.exec.run, cmd.verify.run).
 */
import type { Queryable } from '../db/types.js';
import type { Bus, BusMessage } from './bus.js';
import { afterEffect, inTransaction } from './consume.js';
import { getCase } from './store.js';
import { transitionInTx } from './orchestrator.js';
import type { RoleDeps } from './roles.js';
import type { CaseEvent } from './fsm.js';

export interface ReactorRoles {
  plan(caseId: string): Promise<unknown>;
  gate(caseId: string): Promise<unknown>;
  exec(caseId: string): Promise<unknown>;
  verify(caseId: string): Promise<unknown>;
}

const ACTOR = 'orchestrator';

async function move(
  tx: Queryable,
  d: RoleDeps,
  m: BusMessage,
  event: CaseEvent,
  meta: Record<string, unknown>,
  reason?: string,
): Promise<void> {
  const caseId = String(m.payload.case_id);
  await transitionInTx(
    tx,
    { caseId, event, actor: ACTOR, reason, correlationId: m.msgId, meta },
    { metrics: d.metrics },
  );
}

async function onFact(tx: Queryable, d: RoleDeps, m: BusMessage): Promise<void> {
  const p = m.payload;
  switch (m.topic) {
    case 'evt.plan.proposed.v1': {
      const c = await getCase(tx, String(p.case_id), true);
      // The Planner worked from ANALYZING: the analysis is done once a plan exists.
      if (c?.status === 'ANALYZING') await move(tx, d, m, 'analysis_done', { plan_id: p.plan_id });
      if (c?.status === 'ANALYZING' || c?.status === 'PLANNING')
        await move(tx, d, m, 'plan_ready', { plan_id: p.plan_id });
      return;
    }
    case 'evt.plan.approved.v1':
      return move(tx, d, m, 'gate_approved', { plan_id: p.plan_id, decision_id: p.decision_id });
    case 'evt.plan.rejected.v1': {
      const reasons = (p.decision as { reasons?: string[] } | undefined)?.reasons ?? [];
      return move(tx, d, m, 'gate_rejected', { plan_id: p.plan_id, decision_id: p.decision_id }, reasons[0]);
    }
    case 'evt.exec.done.v1':
      return move(tx, d, m, 'exec_done', { exec: p.exec });
    case 'evt.exec.failed.v1':
      return move(tx, d, m, 'exec_failed', { exec: p.exec }, `step ${String(p.failed_step)} failed`);
    case 'evt.verify.pass.v1':
      return move(tx, d, m, 'verify_pass', { verify_run_id: p.verify_run_id });
    case 'evt.verify.failed.v1':
      return move(tx, d, m, 'verify_failed', { verify_run_id: p.verify_run_id }, 'verification failed');
    default:
      return;
  }
}

export const FACT_SUBJECTS = ['evt.plan.*.v1', 'evt.exec.done.v1', 'evt.exec.failed.v1', 'evt.verify.*.v1'];

export function subscribeReactor(bus: Bus, d: RoleDeps, roles: ReactorRoles, autoDrive: boolean): void {
  bus.subscribe({
    consumer: 'orchestrator',
    subjects: FACT_SUBJECTS,
    handler: inTransaction(d.db, 'orchestrator', (tx, m) => onFact(tx, d, m), d.metrics, d.kick),
  });
  if (!autoDrive) return;
  const drive = (consumer: string, subject: string, fn: (caseId: string) => Promise<unknown>): void =>
    bus.subscribe({
      consumer,
      subjects: [subject],
      handler: afterEffect(d.db, consumer, async (m) => void (await fn(String(m.payload.case_id))), d.metrics),
    });
  drive('planner', 'cmd.plan.generate', roles.plan);
  drive('gatekeeper', 'cmd.gate.eval', roles.gate);
  drive('executor', 'cmd.exec.run', roles.exec);
  drive('verifier', 'cmd.verify.run', roles.verify);
}
