/**
 * The Executor (seed 001 §2 step 4): runs the approved plan's steps in order, each attempt up to
 * 1 + step.retry times, with the step's timeout. Each attempt is one ops_exec_step row plus
 * evt.exec.step_result.v1; the output goes to a file under executor.output_dir and the row keeps its
 * reference, size, sha256 and first KiB — not the whole text. The run ends with evt.exec.done.v1
 * (naming the step rows, which the exec_done guard re-reads) or evt.exec.failed.v1.
 *
 * A request may name one step itself (`adapter` + `script`, the seed's demo): it runs instead of the
 * plan's steps and passes the same tenant policy (allowed actions, script allow-list).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allowedActions } from '../gatekeeper.js';
import type { ChangePlan, PlanAction, PlanStep } from '../plan-schema.js';
import { fail, type RoleAnswer, type RoleDeps } from '../roles.js';
import { appendOutbox, getCase, insertStep, latestDecision, latestPlan, type StepRecord } from '../store.js';
import { adapterFor } from './adapters.js';

export interface ExecRequest {
  caseId: string;
  /** One step to run instead of the plan's. */
  step?: { action: PlanAction; params: Record<string, unknown>; timeout_s?: number; retry?: number } | undefined;
  /** Overrides executor.dry_run for this run. */
  dryRun?: boolean | undefined;
}

const running = new Set<string>();
const HEAD_BYTES = 1024;

export async function runExecution(d: RoleDeps, r: ExecRequest): Promise<RoleAnswer> {
  const c = await getCase(d.db, r.caseId);
  if (!c) return fail(404, 'case_not_found', `no case ${r.caseId}`);
  if (c.status !== 'EXECUTING')
    return fail(409, 'case_not_executing', `steps run in EXECUTING; the case is ${c.status}`, { status: c.status });
  const plan = await latestPlan(d.db, c.id);
  const decision = plan ? await latestDecision(d.db, plan.id) : undefined;
  if (!plan || !decision || decision.decision.outcome === 'rejected')
    return fail(409, 'no_approved_plan', 'the case has no approved plan');
  let steps: PlanStep[];
  if (r.step) {
    if (!allowedActions(d.settings, c.tenant).includes(r.step.action))
      return fail(422, 'action_not_allowed', `adapter: ${r.step.action} is not allowed for tenant ${c.tenant}`, {
        field: 'adapter',
      });
    steps = [
      { action: r.step.action, params: r.step.params, timeout_s: r.step.timeout_s ?? 30, retry: r.step.retry ?? 0 },
    ];
  } else steps = (plan.plan as ChangePlan).steps;
  if (running.has(c.id)) return fail(409, 'already_running', 'an execution of this case is in progress');
  running.add(c.id);
  try {
    return await execute(d, c.id, c.tenant, plan.id, steps, r.dryRun ?? d.settings.executor.dryRun);
  } finally {
    running.delete(c.id);
  }
}

async function execute(
  d: RoleDeps,
  caseId: string,
  tenant: string,
  planId: string,
  steps: PlanStep[],
  dryRun: boolean,
): Promise<RoleAnswer> {
  const dir = resolve(d.settings.executor.outputDir, caseId);
  mkdirSync(dir, { recursive: true });
  const ids: number[] = [];
  const results: Record<string, unknown>[] = [];
  let failedStep: number | undefined;
  for (const [i, step] of steps.entries()) {
    let ok = false;
    for (let attempt = 1; attempt <= step.retry + 1 && !ok; attempt++) {
      if (attempt > 1) await new Promise((res) => setTimeout(res, d.settings.executor.retryDelayMs));
      const ref = join(dir, `step-${ids.length}-${i}-${attempt}-${Date.now()}.log`);
      const file = createWriteStream(ref);
      const hash = createHash('sha256');
      let bytes = 0;
      let head = Buffer.alloc(0);
      const write = (chunk: Buffer | string): void => {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += b.length;
        hash.update(b);
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, b.subarray(0, HEAD_BYTES - head.length)]);
        file.write(b);
      };
      const started = Date.now();
      const res = await adapterFor(step.action)(step, {
        caseId,
        tenant,
        stepIndex: i,
        attempt,
        dryRun,
        timeoutMs: step.timeout_s * 1000,
        settings: d.settings,
        write,
      });
      await new Promise<void>((done) => file.end(done));
      const finished = Date.now();
      d.metrics.stepLatency(step.action, res.status, (finished - started) / 1000);
      ok = res.status === 'ok' || res.status === 'dry_run';
      const rec: StepRecord = {
        caseId,
        planId,
        stepIndex: i,
        attempt,
        action: step.action,
        status: res.status,
        exitCode: res.exitCode ?? null,
        dryRun,
        outputRef: `file://${ref}`,
        outputBytes: bytes,
        outputSha256: hash.digest('hex'),
        outputHead: head.toString('utf8'),
        error: res.error ?? null,
        startedAt: started,
        finishedAt: finished,
      };
      const id = await d.db.transaction(async (tx) => {
        const stepId = await insertStep(tx, rec);
        await appendOutbox(tx, [
          {
            msgId: `step:${stepId}`,
            topic: 'evt.exec.step_result.v1',
            key: caseId,
            payload: {
              case_id: caseId,
              tenant,
              step_id: stepId,
              step: i,
              attempt,
              action: step.action,
              status: res.status,
            },
          },
        ]);
        return stepId;
      });
      ids.push(id);
      results.push({
        step_id: id,
        step: i,
        attempt,
        action: step.action,
        status: res.status,
        output_ref: rec.outputRef,
        error: rec.error,
      });
      // A refused step will be refused again: no retry.
      if (res.status === 'refused') break;
    }
    if (!ok) {
      failedStep = i;
      break;
    }
  }
  const exec = { first_step_id: ids[0]!, last_step_id: ids[ids.length - 1]! };
  const done = failedStep === undefined;
  const topic = done ? 'evt.exec.done.v1' : 'evt.exec.failed.v1';
  await appendOutbox(d.db, [
    {
      msgId: `exec:${caseId}:${exec.first_step_id}-${exec.last_step_id}`,
      topic,
      key: caseId,
      payload: { case_id: caseId, tenant, plan_id: planId, exec, ...(done ? {} : { failed_step: failedStep }) },
    },
  ]);
  d.kick();
  return { status: 200, body: { data: { outcome: done ? 'done' : 'failed', dry_run: dryRun, exec, steps: results } } };
}
