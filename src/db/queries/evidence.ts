import type { Queryable } from '../types.js';
import { num, readSql, toIso } from './sql-file.js';

/** The JSON shapes the API and `query evidence --json` print. */
export interface EventRecord {
  event_id: string;
  detected_at: string;
  severity: string;
  kind: string;
  title: string | null;
  summary: string | null;
  labels: unknown;
  fingerprints: unknown;
  resource: { urn: string; type: string } | null;
}

export interface Locator {
  id: number;
  dataset: string;
  bucket: string;
  object_key: string;
  t_from: string | null;
  t_to: string | null;
  query_hint: string | null;
  attributes: unknown;
}

export interface Evidence {
  evidence_id: number;
  dim: string;
  ref_pg: unknown;
  note: string | null;
  locator: Locator | null;
}

export interface EventEvidence {
  event: EventRecord;
  evidence: Evidence[];
}

/** Matches what `event_id = $2::uuid` accepts, so a bad id is a 400/404 and never a SQL error. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EventRow {
  event_id: string;
  detected_at: Date;
  severity: string;
  kind: string;
  title: string | null;
  summary: string | null;
  labels: unknown;
  fingerprints: unknown;
  urn: string | null;
  resource_type: string | null;
}

interface LinkRow {
  evidence_id: unknown;
  dim: string;
  ref_pg: unknown;
  note: string | null;
  locator_id: unknown;
  dataset: string | null;
  bucket: string | null;
  object_key: string | null;
  t_from: Date | null;
  t_to: Date | null;
  query_hint: string | null;
  attributes: unknown;
}

/**
 * Typical query 2: an event of the tenant with its evidence links (a page of them) and their OO
 * locators; null when the tenant has no such event (another tenant's event included).
 */
export async function eventEvidence(
  db: Queryable,
  q: { tenantId: number; eventId: string; limit: number; offset: number },
): Promise<EventEvidence | null> {
  if (!UUID_RE.test(q.eventId)) return null;
  const e = await db.query<EventRow>(readSql('event'), [q.tenantId, q.eventId]);
  const row = e.rows[0];
  if (!row) return null;
  const links = await db.query<LinkRow>(readSql('evidence-links'), [q.tenantId, q.eventId, q.limit, q.offset]);
  return {
    event: {
      event_id: row.event_id,
      detected_at: toIso(row.detected_at)!,
      severity: row.severity,
      kind: row.kind,
      title: row.title,
      summary: row.summary,
      labels: row.labels,
      fingerprints: row.fingerprints,
      resource: row.urn === null ? null : { urn: row.urn, type: row.resource_type ?? '' },
    },
    evidence: links.rows.map((l) => ({
      evidence_id: num(l.evidence_id),
      dim: l.dim,
      ref_pg: l.ref_pg,
      note: l.note,
      locator:
        l.locator_id == null
          ? null
          : {
              id: num(l.locator_id),
              dataset: l.dataset ?? '',
              bucket: l.bucket ?? '',
              object_key: l.object_key ?? '',
              t_from: toIso(l.t_from),
              t_to: toIso(l.t_to),
              query_hint: l.query_hint,
              attributes: l.attributes,
            },
    })),
  };
}
