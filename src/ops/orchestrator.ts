/**
 * The Orchestrator (seed 001 §5): the one place a case changes state. In ONE transaction it locks the
 * case, replays an answer already given for the Idempotency-Key, checks the expected version, asks
 * the FSM, checks the guard, then moves the case (version + 1), appends one timeline row and writes
 * the outbox rows. A refused attempt (illegal move, failed guard) changes nothing but leaves a
 * `rejected` timeline row. Nothing here does outside I/O: side effects leave through the outbox.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/types.js';
import { decide, eventsFrom, isCaseEvent, type CaseEvent, type CaseState } from './fsm.js';
import { guardProblems, loadFacts } from './guards.js';
import type { OpsMetrics } from './metrics.js';
import {
  appendOutbox,
  appendTimeline,
  getCase,
  idempotencyGet,
  idempotencyPut,
  insertCase,
  updateCaseStatus,
  type CaseRow,
  type OutboxMessage,
} from './store.js';

export interface TransitionRequest {
  caseId: string;
  event: string;
  actor?: string | undefined;
  reason?: string | undefined;
  correlationId?: string | undefined;
  meta?: Record<string, unknown> | undefined;
  /** The Idempotency-Key header: a repeat gets the first answer and writes nothing. */
  idempotencyKey?: string | undefined;
  /** From If-Match: a mismatch answers 412. */
  ifMatch?: number | undefined;
  /** From the body's expected_version: a mismatch answers 409. */
  expectedVersion?: number | undefined;
}

/** What the route sends: a status and a JSON body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** True when the body came from the idempotency table. */
  replayed: boolean;
}

export interface OrchestratorDeps {
  metrics?: OpsMetrics | undefined;
  /** Called after a commit that wrote outbox rows (wakes the relay). */
  onOutbox?: (() => void) | undefined;
}

/** The command each state asks the other roles for (seed §3: cmd.*). */
const COMMAND_ON_ENTRY: Partial<Record<CaseState, string>> = {
  // The Planner works from the analysis (seed §9 step 3 follows start_analysis directly).
  ANALYZING: 'cmd.plan.generate',
  PLANNING: 'cmd.plan.generate',
  WAIT_GATE: 'cmd.gate.eval',
  EXECUTING: 'cmd.exec.run',
  VERIFYING: 'cmd.verify.run',
};

/** The outbox rows of one accepted transition; ids derive from (case, version), so they are stable. */
export function transitionMessages(
  c: CaseRow,
  from: CaseState,
  to: CaseState,
  event: CaseEvent,
  version: number,
  r: TransitionRequest,
): OutboxMessage[] {
  const base = {
    case_id: c.id,
    tenant: c.tenant,
    version,
    correlation_id: r.correlationId ?? null,
  };
  const out: OutboxMessage[] = [
    {
      msgId: `${c.id}:v${version}:transition`,
      topic: 'evt.case.transition.v1',
      key: c.id,
      payload: { ...base, from, to, event, actor: r.actor ?? null, reason: r.reason ?? null },
    },
  ];
  const cmd = COMMAND_ON_ENTRY[to];
  if (cmd) out.push({ msgId: `${c.id}:v${version}:${cmd}`, topic: cmd, key: c.id, payload: { ...base, state: to } });
  if (to === 'CLOSED' || to === 'PARKED') {
    const t = to === 'CLOSED' ? 'evt.case.closed.v1' : 'evt.case.parked.v1';
    out.push({
      msgId: `${c.id}:v${version}:${t}`,
      topic: t,
      key: c.id,
      payload: { ...base, event, reason: r.reason ?? null },
    });
  }
  return out;
}

function requestHash(r: TransitionRequest): string {
  const canonical = JSON.stringify([
    r.event,
    r.actor ?? null,
    r.reason ?? null,
    r.meta ?? {},
    r.expectedVersion ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function err(status: number, error: string, message: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { error, message, ...extra }, replayed: false };
}

/** Applies one event to one case in its own transaction. */
export async function transition(db: Db, r: TransitionRequest, deps: OrchestratorDeps = {}): Promise<Answer> {
  let wroteOutbox = false;
  const a = await db.transaction(async (tx) => {
    const res = await transitionInTx(tx, r, deps);
    wroteOutbox = res.status === 200 && !res.replayed;
    return res;
  });
  if (wroteOutbox) deps.onOutbox?.();
  return a;
}

/** The transition inside a caller's transaction (the event consumers add their inbox row to it). */
export async function transitionInTx(
  tx: Queryable,
  r: TransitionRequest,
  deps: OrchestratorDeps = {},
): Promise<Answer> {
  const m = deps.metrics;
  const c = await getCase(tx, r.caseId, true);
  if (!c) return err(404, 'case_not_found', `no case ${r.caseId}`);

  const idemKey = r.idempotencyKey === undefined ? undefined : `transition:${c.id}:${r.idempotencyKey}`;
  const hash = requestHash(r);
  if (idemKey) {
    const seen = await idempotencyGet(tx, idemKey);
    if (seen) {
      if (seen.request_hash !== hash) {
        m?.conflict('idempotency_key_reused');
        return err(422, 'idempotency_key_reused', 'Idempotency-Key: already used for a different request on this case');
      }
      m?.idempotentReplay();
      return { status: seen.status, body: seen.response, replayed: true };
    }
  }
  // Version checks come before anything is written: a stale client learns the version, nothing else.
  if (r.ifMatch !== undefined && r.ifMatch !== c.version) {
    m?.conflict('if_match');
    return err(412, 'precondition_failed', `If-Match: the case is at version ${c.version}`, {
      current_version: c.version,
    });
  }
  if (r.expectedVersion !== undefined && r.expectedVersion !== c.version) {
    m?.conflict('version');
    return err(409, 'version_conflict', `expected_version: the case is at version ${c.version}`, {
      current_version: c.version,
    });
  }

  const meta = r.meta ?? {};
  const entry = { actor: r.actor, reason: r.reason, correlationId: r.correlationId };
  const remember = async (a: Answer): Promise<Answer> => {
    if (idemKey) await idempotencyPut(tx, idemKey, hash, a.status, a.body);
    return a;
  };

  if (!isCaseEvent(r.event)) {
    return err(
      400,
      'invalid_request',
      `event: unknown event (known from ${c.status}: ${eventsFrom(c.status).join(', ') || 'none'})`,
      {
        field: 'event',
      },
    );
  }
  const event = r.event;
  const d = decide(c.status, event);
  if (!d.allowed) {
    m?.conflict('illegal_transition');
    const message = `${event} is not allowed in ${c.status} (allowed: ${eventsFrom(c.status).join(', ') || 'none, the case is closed'})`;
    await appendTimeline(tx, c.id, {
      ...entry,
      event,
      meta: { ...meta, refused: 'illegal_transition' },
      from: c.status,
      version: c.version,
      outcome: 'rejected',
    });
    return remember(err(409, 'illegal_transition', message, { status: c.status, current_version: c.version }));
  }

  const problems = guardProblems(
    { caseId: c.id, event, actor: r.actor, meta },
    await loadFacts(tx, { caseId: c.id, event, actor: r.actor, meta }),
  );
  if (problems.length > 0) {
    m?.conflict('guard');
    await appendTimeline(tx, c.id, {
      ...entry,
      event,
      meta: { ...meta, refused: 'guard', problems },
      from: c.status,
      version: c.version,
      outcome: 'rejected',
    });
    return remember(
      err(422, 'guard_failed', `${event}: ${problems[0]}`, { problems, status: c.status, current_version: c.version }),
    );
  }

  const version = c.version + 1;
  if (!(await updateCaseStatus(tx, c.id, d.next, c.version))) {
    // Unreachable with the row lock held; kept so a driver without it still cannot double-apply.
    m?.conflict('version');
    return err(409, 'version_conflict', 'the case moved on concurrently; read it again');
  }
  await appendTimeline(tx, c.id, { ...entry, event, meta, from: c.status, to: d.next, version, outcome: 'accepted' });
  const messages = transitionMessages(c, c.status, d.next, event, version, r);
  await appendOutbox(tx, messages);
  m?.transition(c.status, d.next, event);
  const moved = await getCase(tx, c.id);
  return remember({
    status: 200,
    body: {
      data: moved,
      transition: { from: c.status, to: d.next, event, version },
      outbox: messages.map((x) => x.msgId),
    },
    replayed: false,
  });
}

export interface CreateCaseRequest {
  tenant: string;
  title: string;
  source?: Record<string, unknown> | undefined;
  actor?: string | undefined;
  idempotencyKey?: string | undefined;
}

/** Opens a case in NEW (version 1): its row, a timeline row and evt.case.created.v1, in one transaction. */
export async function createCase(db: Db, r: CreateCaseRequest, deps: OrchestratorDeps = {}): Promise<Answer> {
  const hash = createHash('sha256')
    .update(JSON.stringify([r.tenant, r.title, r.source ?? {}]))
    .digest('hex');
  const idemKey = r.idempotencyKey === undefined ? undefined : `create:${r.idempotencyKey}`;
  let wrote = false;
  const a = await db.transaction(async (tx): Promise<Answer> => {
    if (idemKey) {
      const seen = await idempotencyGet(tx, idemKey);
      if (seen) {
        if (seen.request_hash !== hash) {
          deps.metrics?.conflict('idempotency_key_reused');
          return err(422, 'idempotency_key_reused', 'Idempotency-Key: already used for a different case');
        }
        deps.metrics?.idempotentReplay();
        return { status: seen.status, body: seen.response, replayed: true };
      }
    }
    const c = await insertCase(tx, { id: randomUUID(), tenant: r.tenant, title: r.title, source: r.source ?? {} });
    await appendTimeline(tx, c.id, {
      event: 'create',
      actor: r.actor,
      meta: Object.keys(c.source).length > 0 ? { source: c.source } : {},
      to: 'NEW',
      version: 1,
      outcome: 'accepted',
    });
    await appendOutbox(tx, [
      {
        msgId: `${c.id}:v1:created`,
        topic: 'evt.case.created.v1',
        key: c.id,
        payload: { case_id: c.id, tenant: c.tenant, title: c.title, version: 1, source: c.source },
      },
    ]);
    const body = { data: c.id, case: c };
    if (idemKey) await idempotencyPut(tx, idemKey, hash, 201, body);
    wrote = true;
    return { status: 201, body, replayed: false };
  });
  if (wrote) deps.onOutbox?.();
  return a;
}
