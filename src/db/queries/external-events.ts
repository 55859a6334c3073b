/**
 * Writes events from outside (POST /api/events, src/api/external-events.ts) with their evidence refs,
 * in the caller's transaction. Evidence links go through the rules' own insert (hash-unique per event
 * and reference, so posting the same refs again adds nothing), with no rules window.
 */
import type { ExternalEvent } from '../../api/external-events.js';
import { sqlFolder } from '../sql-file.js';
import type { Queryable } from '../types.js';
import { iso, num, readSql } from './sql-file.js';

const rulesSql = sqlFolder(new URL('../../rules/store/', import.meta.url));

export type ExternalAction = 'created' | 'updated' | 'resolved' | 'unchanged';

export interface ExternalWritten {
  event_id: string;
  external_id: string;
  tenant: string;
  source: string;
  status: string;
  /** unchanged: a stale notification (a firing that started before the event's resolution). */
  action: ExternalAction;
  evidence_added: number;
}

/** Locator ids among `ids` that are not the tenant's. */
export async function foreignLocators(db: Queryable, tenantId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const r = await db.query<{ id: unknown }>(readSql('tenant-locators'), [tenantId, ids]);
  const own = new Set(r.rows.map((x) => num(x.id)));
  return new Set(ids.filter((i) => !own.has(i)));
}

export async function writeExternalEvent(
  tx: Queryable,
  tenantId: number,
  e: ExternalEvent,
  now: number,
): Promise<Omit<ExternalWritten, 'tenant'>> {
  const r = await tx.query<{ event_id: string; inserted: boolean; status: string }>(readSql('external-event-upsert'), [
    tenantId,
    e.source,
    e.externalId,
    e.status,
    e.severity,
    e.kind,
    e.title,
    e.summary,
    JSON.stringify(e.labels),
    e.resourceUrn,
    e.value,
    iso(e.startedAt),
    e.endedAt === null ? null : iso(e.endedAt),
    iso(Math.max(now, e.startedAt)),
  ]);
  const row = r.rows[0];
  if (!row) {
    const s = await tx.query<{ event_id: string; status: string }>(readSql('external-event-id'), [
      tenantId,
      e.source,
      e.externalId,
    ]);
    const x = s.rows[0]!;
    return {
      event_id: x.event_id,
      external_id: e.externalId,
      source: e.source,
      status: x.status,
      action: 'unchanged',
      evidence_added: 0,
    };
  }
  let added = 0;
  if (e.evidence.length > 0) {
    const links = await tx.query(rulesSql('links-insert.sql'), [
      tenantId,
      null,
      e.evidence.map(() => row.event_id),
      e.evidence.map((x) => x.dim ?? (x.url !== undefined ? 'link' : 'external')),
      e.evidence.map((x) =>
        x.url !== undefined ? JSON.stringify({ url: x.url }) : x.ref_pg ? JSON.stringify(x.ref_pg) : null,
      ),
      e.evidence.map((x) => x.ref_oo ?? null),
      e.evidence.map((x) => x.note ?? null),
    ]);
    added = links.rowCount;
  }
  const inserted = row.inserted === true || (row.inserted as unknown) === 't';
  return {
    event_id: row.event_id,
    external_id: e.externalId,
    source: e.source,
    status: row.status,
    action: inserted ? 'created' : row.status === 'resolved' ? 'resolved' : 'updated',
    evidence_added: added,
  };
}
