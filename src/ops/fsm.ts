/**
 * The case state machine of seed 001 §4, as data and one pure function. Nothing else in the agent
 * decides whether a move is legal: the Orchestrator asks `decide`, then checks the event's guard,
 * then writes (orchestrator.ts).
 *
 *   NEW ──start_analysis──▶ ANALYZING ──analysis_done──▶ PLANNING ──plan_ready──▶ WAIT_GATE
 *   WAIT_GATE ──gate_approved──▶ EXECUTING ──exec_done──▶ VERIFYING ──verify_pass──▶ CLOSED
 *   WAIT_GATE ──gate_rejected──▶ PARKED,  EXECUTING ──exec_failed──▶ PARKED,  VERIFYING ──verify_failed──▶ PARKED
 *   PARKED ──resume | fix──▶ PLANNING
 *
 * CLOSED is terminal. Every other (state, event) pair is illegal.
 */

export const CASE_STATES = [
  'NEW',
  'ANALYZING',
  'PLANNING',
  'WAIT_GATE',
  'EXECUTING',
  'VERIFYING',
  'CLOSED',
  'PARKED',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_EVENTS = [
  'start_analysis',
  'analysis_done',
  'plan_ready',
  'gate_approved',
  'gate_rejected',
  'exec_done',
  'exec_failed',
  'verify_pass',
  'verify_failed',
  'resume',
  'fix',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

/** The diagram's edges: state → event → next state. */
export const TRANSITIONS: Readonly<Record<CaseState, Partial<Record<CaseEvent, CaseState>>>> = {
  NEW: { start_analysis: 'ANALYZING' },
  ANALYZING: { analysis_done: 'PLANNING' },
  PLANNING: { plan_ready: 'WAIT_GATE' },
  WAIT_GATE: { gate_approved: 'EXECUTING', gate_rejected: 'PARKED' },
  EXECUTING: { exec_done: 'VERIFYING', exec_failed: 'PARKED' },
  VERIFYING: { verify_pass: 'CLOSED', verify_failed: 'PARKED' },
  PARKED: { resume: 'PLANNING', fix: 'PLANNING' },
  CLOSED: {},
};

export type Decision = { allowed: true; next: CaseState } | { allowed: false };

/** Whether `event` may fire in `state`, and where it leads. Pure. */
export function decide(state: CaseState, event: CaseEvent): Decision {
  const next = TRANSITIONS[state][event];
  return next === undefined ? { allowed: false } : { allowed: true, next };
}

export function isCaseState(s: string): s is CaseState {
  return (CASE_STATES as readonly string[]).includes(s);
}

export function isCaseEvent(s: string): s is CaseEvent {
  return (CASE_EVENTS as readonly string[]).includes(s);
}

/** The events legal in `state` (for error messages and the CLI). */
export function eventsFrom(state: CaseState): CaseEvent[] {
  return Object.keys(TRANSITIONS[state]) as CaseEvent[];
}
