/**
 * The Verifier (seed 001 §2 step 5, §6.4): the plan's `verify` block checked against ObserveBridge's
 * own summaries, deterministically. A block reads
 *   {"windows": 3, "checks": [{"scope": "edge", "src": URN, "dst": URN, "p95_ms_max": 500, "err_rate_max": 0.05}]}
 * (scope `service` with `service`, or `tenant`). A check passes when the newest `windows` 5-minute
 * windows of service_call_5m (none older than verifier.max_age) all exist and are under both
 * thresholds; no data is a failure, never a pass. The run is recorded (ops_verify_run) with every
 * window it read, and evt.verify.pass.v1 / evt.verify.failed.v1 carries its id to the Orchestrator.
 */
import { z } from 'zod';
import { iso, sqlFolder, toMs } from '../db/sql-file.js';
import type { Queryable } from '../db/types.js';
import type { ChangePlan } from './plan-schema.js';
import { fail, type RoleAnswer, type RoleDeps } from './roles.js';
import { appendOutbox, getCase, insertVerifyRun, latestPlan } from './store.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

const check = z.object({
  scope: z.enum(['edge', 'service', 'tenant']).default('tenant'),
  src: z.string().optional(),
  dst: z.string().optional(),
  service: z.string().optional(),
  p95_ms_max: z.number().positive().optional(),
  err_rate_max: z.number().min(0).max(1).optional(),
  windows: z.number().int().min(1).max(288).optional(),
});
export const verifyBlockSchema = z.object({
  windows: z.number().int().min(1).max(288).optional(),
  checks: z.array(check).min(1),
});
export type VerifyBlock = z.output<typeof verifyBlockSchema>;

export interface WindowFigure {
  bucket: string;
  calls: number;
  errors: number;
  err_rate: number;
  p95_ms: number | null;
  ok: boolean;
}

export interface CheckResult {
  check: z.output<typeof check>;
  passed: boolean;
  reason: string;
  windows: WindowFigure[];
}

const BUCKET_MS = 5 * 60_000;

export async function evaluateVerify(
  q: Queryable,
  tenant: string,
  block: VerifyBlock,
  now: number,
  defaults: { windows: number; maxAgeMs: number },
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of block.checks) {
    const n = c.windows ?? block.windows ?? defaults.windows;
    const src = c.scope === 'edge' ? (c.src ?? null) : null;
    const dst = c.scope === 'edge' ? (c.dst ?? null) : c.scope === 'service' ? (c.service ?? null) : null;
    if ((c.scope === 'edge' && (!src || !dst)) || (c.scope === 'service' && !dst)) {
      out.push({
        check: c,
        passed: false,
        reason: `scope ${c.scope} needs ${c.scope === 'edge' ? 'src and dst' : 'service'}`,
        windows: [],
      });
      continue;
    }
    const r = await q.query<{ bucket: Date; calls: string; errors: string; p95_ms: number | null }>(
      sql('verify-windows.sql'),
      [tenant, iso(now - defaults.maxAgeMs), iso(now - BUCKET_MS), src, dst, n],
    );
    const windows = r.rows.map((x): WindowFigure => {
      const calls = Number(x.calls);
      const errors = Number(x.errors);
      const errRate = calls > 0 ? errors / calls : 0;
      const p95 = x.p95_ms === null ? null : Number(x.p95_ms);
      const ok =
        calls > 0 &&
        (c.err_rate_max === undefined || errRate <= c.err_rate_max) &&
        (c.p95_ms_max === undefined || (p95 !== null && p95 <= c.p95_ms_max));
      return { bucket: new Date(toMs(x.bucket) ?? 0).toISOString(), calls, errors, err_rate: errRate, p95_ms: p95, ok };
    });
    const bad = windows.filter((w) => !w.ok);
    const passed = windows.length >= n && bad.length === 0;
    const reason =
      windows.length < n
        ? `only ${windows.length} of ${n} windows have data in the last ${defaults.maxAgeMs / 60_000} min`
        : bad.length > 0
          ? `${bad.length} of ${n} windows over threshold (newest: ${bad[0]!.bucket}, p95 ${bad[0]!.p95_ms} ms, err_rate ${bad[0]!.err_rate.toFixed(4)})`
          : `${n} windows under threshold`;
    out.push({ check: c, passed, reason, windows });
  }
  return out;
}

export async function runVerify(d: RoleDeps, caseId: string): Promise<RoleAnswer> {
  const c = await getCase(d.db, caseId);
  if (!c) return fail(404, 'case_not_found', `no case ${caseId}`);
  if (c.status !== 'VERIFYING')
    return fail(409, 'case_not_verifying', `verification runs in VERIFYING; the case is ${c.status}`, {
      status: c.status,
    });
  const plan = await latestPlan(d.db, c.id);
  if (!plan) return fail(409, 'no_plan', 'the case has no plan');
  const started = Date.now();
  const parsed = verifyBlockSchema.safeParse((plan.plan as ChangePlan).verify);
  const checks = parsed.success
    ? await evaluateVerify(d.db, c.tenant, parsed.data, d.clock.now(), d.settings.verifier)
    : [];
  const passed = parsed.success && checks.every((x) => x.passed);
  const result = parsed.success
    ? { checks }
    : {
        error: `verify block: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message}`,
      };
  d.metrics.verifyLatency(passed, (Date.now() - started) / 1000);
  const id = await d.db.transaction(async (tx) => {
    const runId = await insertVerifyRun(tx, { caseId: c.id, planId: plan.id, passed, result });
    await appendOutbox(tx, [
      {
        msgId: `verify:${runId}`,
        topic: passed ? 'evt.verify.pass.v1' : 'evt.verify.failed.v1',
        key: c.id,
        payload: { case_id: c.id, tenant: c.tenant, plan_id: plan.id, verify_run_id: runId, passed },
      },
    ]);
    return runId;
  });
  d.kick();
  return { status: 200, body: { data: { verify_run_id: id, passed, ...result } } };
}
