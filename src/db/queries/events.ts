/**
 * Events and their evidence, for every reader (API, CLI, status page, MCP, OPS agent): import
 * listEvents / getEvent / getEvidence from here.
 *
 * Shapes (JSON as the API prints them):
 *   EventSummary  {event_id, detected_at, severity, kind, title, summary, status: open|resolved,
 *                  source: rules|alertmanager|cloudevent|api, rule_id, fingerprint, group, first_seen,
 *                  last_seen, resolved_at, value, peak_value, windows, flaps, acked: {at, by, note}|null,
 *                  external_id, resource: {urn, type}|null, labels, fingerprints, evidence_count}
 *   EventPage     {events: EventSummary[], next: cursor|null}
 *   getEvidence → {event: EventSummary, evidence: [{evidence_id, dim, ref_pg: {table, keys}, note,
 *                  locator: {id, dataset, bucket, object_key, t_from, t_to, query_hint, attributes}|null}]}
 */
import type { Queryable } from '../types.js';
import { eventEvidence, UUID_RE, type Evidence } from './evidence.js';
import { iso, num, readSql, toIso } from './sql-file.js';

export const EVENT_STATUSES = ['open', 'resolved'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export interface EventSummary {
  event_id: string;
  detected_at: string;
  severity: string;
  kind: string;
  title: string | null;
  summary: string | null;
  status: EventStatus;
  source: string;
  rule_id: string | null;
  fingerprint: string | null;
  group: unknown;
  first_seen: string | null;
  last_seen: string | null;
  resolved_at: string | null;
  value: number | null;
  peak_value: number | null;
  windows: number;
  flaps: number;
  acked: { at: string; by: string | null; note: string | null } | null;
  external_id: string | null;
  resource: { urn: string; type: string } | null;
  labels: unknown;
  fingerprints: unknown;
  evidence_count: number;
}

/** Keyset cursor: [detected_at ms, event_id]. */
export type EventCursor = [number, string];

interface Row {
  event_id: string;
  detected_at: Date;
  severity: string;
  kind: string;
  title: string | null;
  summary: string | null;
  labels: unknown;
  fingerprints: unknown;
  status: EventStatus;
  source: string;
  rule_id: string | null;
  fingerprint: string | null;
  group_key: unknown;
  first_seen: Date | null;
  last_seen: Date | null;
  resolved_at: Date | null;
  value: number | null;
  peak_value: number | null;
  windows: number;
  flaps: number;
  acked_at: Date | null;
  acked_by: string | null;
  ack_note: string | null;
  external_id: string | null;
  urn: string | null;
  resource_type: string | null;
  evidence_count: unknown;
}

function toSummary(r: Row): EventSummary {
  return {
    event_id: r.event_id,
    detected_at: toIso(r.detected_at)!,
    severity: r.severity,
    kind: r.kind,
    title: r.title,
    summary: r.summary,
    status: r.status,
    source: r.source,
    rule_id: r.rule_id,
    fingerprint: r.fingerprint,
    group: r.group_key,
    first_seen: toIso(r.first_seen),
    last_seen: toIso(r.last_seen),
    resolved_at: toIso(r.resolved_at),
    value: r.value,
    peak_value: r.peak_value,
    windows: r.windows,
    flaps: r.flaps,
    acked: r.acked_at === null ? null : { at: toIso(r.acked_at)!, by: r.acked_by, note: r.ack_note },
    external_id: r.external_id,
    resource: r.urn === null ? null : { urn: r.urn, type: r.resource_type ?? '' },
    labels: r.labels,
    fingerprints: r.fingerprints,
    evidence_count: num(r.evidence_count),
  };
}

export interface EventQuery {
  tenantId: number;
  status?: EventStatus | null;
  /** Events seen (last_seen, else detected_at) at or after this time, epoch ms. */
  since?: number | null;
  rule?: string | null;
  limit: number;
  after?: EventCursor | null;
}

export async function listEvents(
  db: Queryable,
  q: EventQuery,
): Promise<{ events: EventSummary[]; next: EventCursor | null }> {
  const r = await db.query<Row>(readSql('events-list'), [
    q.tenantId,
    q.status ?? null,
    q.since == null ? null : iso(q.since),
    q.after ? iso(q.after[0]) : null,
    q.after ? q.after[1] : null,
    q.limit,
    q.rule ?? null,
    null,
  ]);
  const events = r.rows.map(toSummary);
  const last = events.at(-1);
  return {
    events,
    next: events.length === q.limit && last ? [Date.parse(last.detected_at), last.event_id] : null,
  };
}

/** One event of the tenant (null: none, or not the tenant's, or not a UUID). */
export async function getEvent(db: Queryable, tenantId: number, eventId: string): Promise<EventSummary | null> {
  if (!UUID_RE.test(eventId)) return null;
  const r = await db.query<Row>(readSql('events-list'), [tenantId, null, null, null, null, 1, null, eventId]);
  return r.rows[0] ? toSummary(r.rows[0]) : null;
}

/** The event with a page of its evidence links and their OO locators (typical query 2). */
export async function getEvidence(
  db: Queryable,
  q: { tenantId: number; eventId: string; limit: number; offset: number },
): Promise<{ event: EventSummary; evidence: Evidence[] } | null> {
  const event = await getEvent(db, q.tenantId, q.eventId);
  if (!event) return null;
  const r = await eventEvidence(db, q);
  return r ? { event, evidence: r.evidence } : null;
}

/** Acknowledges an event; false when the tenant has no such event. */
export async function ackEvent(
  db: Queryable,
  q: { tenantId: number; eventId: string; at: number; by: string | null; note: string | null },
): Promise<boolean> {
  if (!UUID_RE.test(q.eventId)) return false;
  const r = await db.query(readSql('event-ack'), [q.tenantId, q.eventId, iso(q.at), q.by, q.note]);
  return r.rowCount > 0;
}
