/**
 * The ChangePlan contract of seed 001 §6.1, verbatim, and its validator (Ajv, draft 2020-12). An
 * LLM's output enters the agent only through `validatePlan`; templates go through it too, so a
 * template cannot drift from the contract either.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

export const CHANGE_PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ChangePlan',
  type: 'object',
  required: ['title', 'steps', 'rollback', 'verify'],
  properties: {
    title: { type: 'string' },
    risk_score: { type: 'number', minimum: 0, maximum: 1 },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['action', 'timeout_s', 'retry'],
        properties: {
          action: { enum: ['k8s.rollout', 'script.exec', 'gateway.flip', 'noop'] },
          params: { type: 'object' },
          timeout_s: { type: 'integer', minimum: 10 },
          retry: { type: 'integer', minimum: 0, maximum: 3 },
        },
      },
    },
    rollback: { type: 'object' },
    verify: { type: 'object' },
  },
} as const;

export type PlanAction = 'k8s.rollout' | 'script.exec' | 'gateway.flip' | 'noop';

export interface PlanStep {
  action: PlanAction;
  params?: Record<string, unknown>;
  timeout_s: number;
  retry: number;
}

export interface ChangePlan {
  title: string;
  risk_score?: number;
  steps: PlanStep[];
  rollback: Record<string, unknown>;
  verify: Record<string, unknown>;
  [extra: string]: unknown;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const check = ajv.compile<ChangePlan>(CHANGE_PLAN_SCHEMA);

export type PlanValidation = { ok: true; plan: ChangePlan } | { ok: false; errors: string[] };

/** Checks a candidate against the schema; errors read `/steps/0/timeout_s: must be >= 10`. */
export function validatePlan(candidate: unknown): PlanValidation {
  if (check(candidate)) return { ok: true, plan: candidate };
  const errors = (check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
  return { ok: false, errors: errors.length > 0 ? errors : ['/: is invalid'] };
}

/** Actions that change production: the guard wants them flagged by a risk score, the gate scores them. */
export const RISKY_ACTIONS: ReadonlySet<PlanAction> = new Set(['k8s.rollout', 'script.exec', 'gateway.flip']);

/**
 * The plan-completeness guard of seed §4 (plan_ready): at least one step, each with action,
 * timeout and retry; rollback and verify present; risky actions flagged (the plan states a
 * risk_score when it holds any). Returns the problems, none when complete. Pure.
 */
export function planProblems(plan: unknown): string[] {
  const v = validatePlan(plan);
  if (!v.ok) return v.errors;
  const p = v.plan;
  const out: string[] = [];
  if (Object.keys(p.verify).length === 0) out.push('/verify: must say what to check');
  if (riskySteps(p).length > 0 && p.risk_score === undefined)
    out.push(`/risk_score: required when a step is risky (steps ${riskySteps(p).join(', ')})`);
  return out;
}

/** Indexes of the steps whose action is risky. */
export function riskySteps(plan: ChangePlan): number[] {
  return plan.steps.flatMap((s, i) => (RISKY_ACTIONS.has(s.action) ? [i] : []));
}
