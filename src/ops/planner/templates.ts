/**
 * Template plans, one per kind of problem (seed 001 §2 step 2: "模板计划生成"). Pure: a template
 * reads the case (its tenant and, when it came from an ObserveBridge event, the edge or service
 * in its evidence) and returns a ChangePlan; planner.ts validates it like any other plan.
 */
import type { ChangePlan } from '../plan-schema.js';

export interface PlanSubject {
  tenant: string;
  title: string;
  /** The case's source (the event that opened it), if any. */
  source: Record<string, unknown>;
}

/** The edge or service a case is about, read from its source; undefined for a hand-made case. */
export function caseTarget(s: PlanSubject): { src?: string; dst?: string; service?: string } | undefined {
  const src = s.source;
  const edge = src.edge as { src?: unknown; dst?: unknown } | undefined;
  if (edge && typeof edge.src === 'string' && typeof edge.dst === 'string') return { src: edge.src, dst: edge.dst };
  if (typeof src.service === 'string') return { service: src.service };
  return undefined;
}

/** The verify block every template uses: the target's p95 and err_rate under thresholds for N windows. */
function verifyBlock(s: PlanSubject, p95: number, errRate: number, windows: number): Record<string, unknown> {
  const t = caseTarget(s);
  const check =
    t?.src && t.dst
      ? { scope: 'edge', src: t.src, dst: t.dst }
      : t?.service
        ? { scope: 'service', service: t.service }
        : { scope: 'tenant' };
  return { windows, checks: [{ ...check, p95_ms_max: p95, err_rate_max: errRate }] };
}

type Template = (s: PlanSubject) => ChangePlan;

const target = (s: PlanSubject): string => {
  const t = caseTarget(s);
  return t?.dst ?? t?.service ?? s.tenant;
};

export const TEMPLATES: Readonly<Record<string, Template>> = {
  /** The seed's demo template: a canary rollout, undone on failure. */
  'k8s.rollout.canary': (s) => ({
    title: `canary rollout: ${s.title}`,
    risk_score: 0.4,
    steps: [
      { action: 'noop', params: { note: 'confirm the signal before changing anything' }, timeout_s: 10, retry: 0 },
      {
        action: 'k8s.rollout',
        params: { strategy: 'canary', target: target(s), weight: 10 },
        timeout_s: 300,
        retry: 1,
      },
    ],
    rollback: { steps: [{ action: 'k8s.rollout', params: { op: 'undo', target: target(s) } }] },
    verify: verifyBlock(s, 1000, 0.05, 2),
  }),
  /** A dependency got slow: check, scale the callee, roll back the scale if it does not help. */
  dependency_slow: (s) => ({
    title: `dependency slow: ${target(s)}`,
    risk_score: 0.3,
    steps: [
      { action: 'noop', params: { note: 'confirm the edge is still slow' }, timeout_s: 10, retry: 0 },
      { action: 'k8s.rollout', params: { op: 'scale', target: target(s), replicas: '+1' }, timeout_s: 300, retry: 1 },
    ],
    rollback: { steps: [{ action: 'k8s.rollout', params: { op: 'scale', target: target(s), replicas: '-1' } }] },
    verify: verifyBlock(s, 500, 0.05, 2),
  }),
  /** Errors rose after a change: shift traffic back at the gateway. Riskier: a human approves. */
  error_rate_high: (s) => ({
    title: `error rate high: ${target(s)}`,
    risk_score: 0.6,
    steps: [{ action: 'gateway.flip', params: { target: target(s), to: 'previous' }, timeout_s: 60, retry: 1 }],
    rollback: { steps: [{ action: 'gateway.flip', params: { target: target(s), to: 'current' } }] },
    verify: verifyBlock(s, 1000, 0.02, 2),
  }),
  /** Look, touch nothing: a plan whose only step is a no-op, verified like the others. */
  'noop.check': (s) => ({
    title: `check: ${s.title}`,
    risk_score: 0,
    steps: [{ action: 'noop', params: { note: 'observe only' }, timeout_s: 10, retry: 0 }],
    rollback: { steps: [] },
    verify: verifyBlock(s, 1000, 0.05, 2),
  }),
};

/** The template for a case that names none: by the kind of event that opened it. */
export function defaultTemplate(s: PlanSubject): string {
  const kind = String(s.source.kind ?? s.source.rule ?? '');
  if (/latency|slow|p95/i.test(kind)) return 'dependency_slow';
  if (/error|err_rate/i.test(kind)) return 'error_rate_high';
  return 'noop.check';
}
