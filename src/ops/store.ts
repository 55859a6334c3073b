/**
 * Reads and writes of the agent's tables (migration 008). Every function takes a Queryable so the
 * Orchestrator can run several of them in one transaction. Statements longer than a line are in sql/.
 */
import { sqlFolder, toMs } from '../db/sql-file.js';
import type { Queryable } from '../db/types.js';
import type { CaseState } from './fsm.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

export interface CaseRow {
  id: string;
  tenant: string;
  title: string;
  status: CaseState;
  version: number;
  source: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

type RawCase = Omit<CaseRow, 'created_at' | 'updated_at'> & { created_at: Date | string; updated_at: Date | string };

function caseOf(r: RawCase): CaseRow {
  return {
    ...r,
    created_at: new Date(toMs(r.created_at) ?? 0).toISOString(),
    updated_at: new Date(toMs(r.updated_at) ?? 0).toISOString(),
  };
}

const CASE_COLS = 'id, tenant, title, status, version, source, created_at, updated_at';

export async function insertCase(
  q: Queryable,
  c: { id: string; tenant: string; title: string; source: Record<string, unknown> },
): Promise<CaseRow> {
  const r = await q.query<RawCase>(
    `INSERT INTO ops_case (id, tenant, title, status, version, source) VALUES ($1, $2, $3, 'NEW', 1, $4) RETURNING ${CASE_COLS}`,
    [c.id, c.tenant, c.title, c.source],
  );
  return caseOf(r.rows[0]!);
}

export async function getCase(q: Queryable, id: string, forUpdate = false): Promise<CaseRow | undefined> {
  const r = await q.query<RawCase>(`SELECT ${CASE_COLS} FROM ops_case WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
  return r.rows[0] ? caseOf(r.rows[0]) : undefined;
}

export async function listCases(q: Queryable, tenant: string | undefined, limit: number): Promise<CaseRow[]> {
  const r = await q.query<RawCase>(
    `SELECT ${CASE_COLS} FROM ops_case WHERE ($1::text IS NULL OR tenant = $1) ORDER BY created_at DESC, id LIMIT $2`,
    [tenant ?? null, limit],
  );
  return r.rows.map(caseOf);
}

/** Moves the case on; the WHERE on version makes a lost race visible even without the row lock. */
export async function updateCaseStatus(
  q: Queryable,
  id: string,
  status: CaseState,
  fromVersion: number,
): Promise<boolean> {
  const r = await q.query(
    'UPDATE ops_case SET status = $2, version = version + 1, updated_at = now() WHERE id = $1 AND version = $3',
    [id, status, fromVersion],
  );
  return r.rowCount === 1;
}

export interface TimelineEntry {
  event: string;
  actor?: string | undefined;
  reason?: string | undefined;
  correlationId?: string | undefined;
  meta?: Record<string, unknown> | undefined;
  from?: CaseState | undefined;
  to?: CaseState | undefined;
  version: number;
  outcome: 'accepted' | 'rejected' | 'note';
}

export async function appendTimeline(q: Queryable, caseId: string, e: TimelineEntry): Promise<number> {
  const r = await q.query<{ id: string }>(sql('timeline-append.sql'), [
    caseId,
    e.event,
    e.actor ?? null,
    e.reason ?? null,
    e.correlationId ?? null,
    e.meta ?? {},
    e.from ?? null,
    e.to ?? null,
    e.version,
    e.outcome,
  ]);
  return Number(r.rows[0]!.id);
}

export interface TimelineRow {
  id: number;
  event: string;
  actor: string | null;
  reason: string | null;
  correlation_id: string | null;
  meta: Record<string, unknown>;
  from_status: string | null;
  to_status: string | null;
  version: number;
  outcome: string;
  created_at: string;
}

export async function timeline(q: Queryable, caseId: string): Promise<TimelineRow[]> {
  const r = await q.query<Omit<TimelineRow, 'id' | 'created_at'> & { id: string; created_at: Date }>(
    `SELECT id, event, actor, reason, correlation_id, meta, from_status, to_status, version, outcome, created_at
       FROM case_timeline WHERE case_id = $1 ORDER BY id`,
    [caseId],
  );
  return r.rows.map((x) => ({ ...x, id: Number(x.id), created_at: new Date(toMs(x.created_at) ?? 0).toISOString() }));
}

export interface OutboxMessage {
  /** Stable id: consumers dedupe on it, NATS gets it as Nats-Msg-Id. */
  msgId: string;
  /** The logical subject (`evt.case.transition.v1`); a bus may prefix it. */
  topic: string;
  key: string | null;
  payload: Record<string, unknown>;
}

export async function appendOutbox(q: Queryable, messages: readonly OutboxMessage[]): Promise<void> {
  for (const m of messages) {
    await q.query('INSERT INTO outbox (msg_id, topic, key, payload) VALUES ($1, $2, $3, $4)', [
      m.msgId,
      m.topic,
      m.key,
      m.payload,
    ]);
  }
}

export interface PendingMessage extends OutboxMessage {
  id: number;
}

/** Unpublished rows in commit order (by id). No lock is held: publishing twice is allowed, losing is not. */
export async function unpublished(q: Queryable, limit: number): Promise<PendingMessage[]> {
  const r = await q.query<{
    id: string;
    msg_id: string;
    topic: string;
    key: string | null;
    payload: Record<string, unknown>;
  }>('SELECT id, msg_id, topic, key, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1', [limit]);
  return r.rows.map((x) => ({ id: Number(x.id), msgId: x.msg_id, topic: x.topic, key: x.key, payload: x.payload }));
}

export async function markPublished(q: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    'UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[]) AND published_at IS NULL',
    [ids.map(String)],
  );
}

export async function markPublishFailed(q: Queryable, id: number, error: string): Promise<void> {
  await q.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, error.slice(0, 500)]);
}

export async function outboxFor(
  q: Queryable,
  caseId: string,
): Promise<{ msg_id: string; topic: string; published: boolean }[]> {
  const r = await q.query<{ msg_id: string; topic: string; published: boolean }>(
    `SELECT msg_id, topic, published_at IS NOT NULL AS published FROM outbox WHERE payload->>'case_id' = $1 ORDER BY id`,
    [caseId],
  );
  return r.rows;
}

// --- idempotency ---

export async function idempotencyGet(
  q: Queryable,
  key: string,
): Promise<{ request_hash: string; status: number; response: Record<string, unknown> } | undefined> {
  const r = await q.query<{ request_hash: string; status: number; response: Record<string, unknown> }>(
    'SELECT request_hash, status, response FROM idempotency WHERE key = $1',
    [key],
  );
  return r.rows[0];
}

export async function idempotencyPut(
  q: Queryable,
  key: string,
  hash: string,
  status: number,
  response: Record<string, unknown>,
): Promise<void> {
  await q.query('INSERT INTO idempotency (key, request_hash, status, response) VALUES ($1, $2, $3, $4)', [
    key,
    hash,
    status,
    response,
  ]);
}

// --- plans, decisions, execution, verification ---

export interface PlanRow {
  id: string;
  case_id: string;
  plan: Record<string, unknown>;
  origin: string;
  created_at: string;
}

export async function insertPlan(
  q: Queryable,
  p: { id: string; caseId: string; plan: unknown; origin: string },
): Promise<void> {
  await q.query('INSERT INTO plan_proposed (id, case_id, plan, origin) VALUES ($1, $2, $3, $4)', [
    p.id,
    p.caseId,
    p.plan as Record<string, unknown>,
    p.origin,
  ]);
}

export async function latestPlan(q: Queryable, caseId: string): Promise<PlanRow | undefined> {
  const r = await q.query<Omit<PlanRow, 'created_at'> & { created_at: Date }>(
    'SELECT id, case_id, plan, origin, created_at FROM plan_proposed WHERE case_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [caseId],
  );
  const x = r.rows[0];
  return x ? { ...x, created_at: new Date(toMs(x.created_at) ?? 0).toISOString() } : undefined;
}

export async function getPlan(q: Queryable, id: string): Promise<PlanRow | undefined> {
  const r = await q.query<Omit<PlanRow, 'created_at'> & { created_at: Date }>(
    'SELECT id, case_id, plan, origin, created_at FROM plan_proposed WHERE id = $1',
    [id],
  );
  const x = r.rows[0];
  return x ? { ...x, created_at: new Date(toMs(x.created_at) ?? 0).toISOString() } : undefined;
}

export interface DecisionRow {
  id: string;
  plan_id: string;
  decision: { outcome: 'approved' | 'rejected' | 'manual'; [k: string]: unknown };
}

export async function insertDecision(
  q: Queryable,
  d: { id: string; caseId: string; planId: string; decision: DecisionRow['decision'] },
): Promise<void> {
  await q.query('INSERT INTO plan_approved (id, case_id, plan_id, decision) VALUES ($1, $2, $3, $4)', [
    d.id,
    d.caseId,
    d.planId,
    d.decision,
  ]);
}

export async function latestDecision(q: Queryable, planId: string): Promise<DecisionRow | undefined> {
  const r = await q.query<DecisionRow>(
    'SELECT id, plan_id, decision FROM plan_approved WHERE plan_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [planId],
  );
  return r.rows[0];
}

export interface StepRecord {
  caseId: string;
  planId: string | null;
  stepIndex: number;
  attempt: number;
  action: string;
  status: 'ok' | 'failed' | 'timeout' | 'refused' | 'dry_run';
  exitCode: number | null;
  dryRun: boolean;
  outputRef: string | null;
  outputBytes: number;
  outputSha256: string | null;
  outputHead: string | null;
  error: string | null;
  startedAt: number;
  finishedAt: number;
}

export async function insertStep(q: Queryable, s: StepRecord): Promise<number> {
  const r = await q.query<{ id: string }>(sql('exec-step-insert.sql'), [
    s.caseId,
    s.planId,
    s.stepIndex,
    s.attempt,
    s.action,
    s.status,
    s.exitCode,
    s.dryRun,
    s.outputRef,
    s.outputBytes,
    s.outputSha256,
    s.outputHead,
    s.error,
    new Date(s.startedAt).toISOString(),
    new Date(s.finishedAt).toISOString(),
  ]);
  return Number(r.rows[0]!.id);
}

export async function stepsOf(q: Queryable, caseId: string): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT id, plan_id, step_index, attempt, action, status, exit_code, dry_run, output_ref, output_bytes,
            output_sha256, output_head, error, started_at, finished_at
       FROM ops_exec_step WHERE case_id = $1 ORDER BY id`,
    [caseId],
  );
  return r.rows.map((x) => ({ ...x, id: Number(x.id), output_bytes: Number(x.output_bytes) }));
}

export async function insertVerifyRun(
  q: Queryable,
  v: { caseId: string; planId: string | null; passed: boolean; result: Record<string, unknown> },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    'INSERT INTO ops_verify_run (case_id, plan_id, passed, result) VALUES ($1, $2, $3, $4) RETURNING id',
    [v.caseId, v.planId, v.passed, v.result],
  );
  return Number(r.rows[0]!.id);
}

export async function getVerifyRun(
  q: Queryable,
  id: number,
): Promise<{ case_id: string; plan_id: string | null; passed: boolean } | undefined> {
  const r = await q.query<{ case_id: string; plan_id: string | null; passed: boolean }>(
    'SELECT case_id, plan_id, passed FROM ops_verify_run WHERE id = $1',
    [id],
  );
  return r.rows[0];
}

/** The steps of one execution run (rows tagged by the run's first step id range, see executor). */
export async function stepsBetween(
  q: Queryable,
  caseId: string,
  firstId: number,
  lastId: number,
): Promise<{ step_index: number; attempt: number; status: string }[]> {
  const r = await q.query<{ step_index: number; attempt: number; status: string }>(
    'SELECT step_index, attempt, status FROM ops_exec_step WHERE case_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id',
    [caseId, firstId, lastId],
  );
  return r.rows;
}

// --- inbox ---

/** Claims (consumer, msg id) in the caller's transaction: false when it was processed before. */
export async function inboxClaim(q: Queryable, consumer: string, msgId: string): Promise<boolean> {
  const r = await q.query('INSERT INTO ops_inbox (consumer, msg_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    consumer,
    msgId,
  ]);
  return r.rowCount === 1;
}

export async function inboxSeen(q: Queryable, consumer: string, msgId: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM ops_inbox WHERE consumer = $1 AND msg_id = $2', [consumer, msgId]);
  return r.rows.length > 0;
}
