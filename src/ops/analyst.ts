/**
 * The Analyst (seed 001 §6.2, §11): opens a case from an ObserveBridge event (src/rules writes them
 * to event_envelope with their evidence_link chain), carrying the event and its evidence as the
 * case's source — what the Planner's templates read (the edge, the rule) and what the LLM planner
 * is given. The case is opened through the Orchestrator like any other (NEW, one transaction), with
 * an idempotency key derived from the event, so opening the same event twice returns the same case.
 */
import { eventEvidence } from '../db/queries/evidence.js';
import type { Queryable } from '../db/types.js';
import { fail, type RoleAnswer } from './roles.js';

/** Evidence links copied into the case (the event keeps them all). */
export const EVIDENCE_LIMIT = 20;

export interface EventSource {
  tenant: string;
  title: string;
  source: Record<string, unknown>;
}

/** Reads the event and its evidence; undefined when there is no such event. */
export async function eventSource(q: Queryable, eventId: string): Promise<EventSource | undefined> {
  const r = await q.query<{
    tenant_id: string;
    code: string;
    rule_id: string | null;
    group_key: unknown;
    status: string | null;
  }>(
    `SELECT e.tenant_id, t.code, e.rule_id, e.group_key, e.status
       FROM event_envelope e JOIN dim_tenant t ON t.tenant_id = e.tenant_id
      WHERE e.event_id = $1::uuid`,
    [eventId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const ev = await eventEvidence(q, { tenantId: Number(row.tenant_id), eventId, limit: EVIDENCE_LIMIT, offset: 0 });
  if (!ev) return undefined;
  const group = (row.group_key && typeof row.group_key === 'object' ? row.group_key : {}) as Record<string, unknown>;
  const edge =
    typeof group.src === 'string' && typeof group.dst === 'string' ? { src: group.src, dst: group.dst } : undefined;
  return {
    tenant: row.code,
    title: ev.event.title ?? `${ev.event.kind} event ${eventId}`,
    source: {
      // `kind` picks the default template (latency → dependency_slow, errors → error_rate_high).
      kind: row.rule_id ?? ev.event.kind,
      event_id: eventId,
      rule_id: row.rule_id,
      severity: ev.event.severity,
      summary: ev.event.summary,
      ...(edge ? { edge } : {}),
      ...(ev.event.resource ? { service: ev.event.resource.urn } : {}),
      group_key: group,
      evidence: ev.evidence,
    },
  };
}

export function eventNotFound(eventId: string): RoleAnswer {
  return fail(404, 'event_not_found', `no event ${eventId}`);
}
