/**
 * The rules job's writes for one window, inside the job's transaction: what an earlier run of the
 * window wrote is removed first (its state rows, the links it added, the events it opened and no
 * longer opens), then the window's state rows, events and evidence links are written. Same input,
 * same rows: event ids are derived (lifecycle.eventIdOf), links are unique per event and reference.
 */
import { rankEdgeLogs } from '../../correlation/queries.js';
import { iso, sqlFolder, toMs } from '../../db/sql-file.js';
import type { Queryable, QueryResult, SqlParam } from '../../db/types.js';
import type { Rule } from '../config.js';
import { eventText } from '../event-text.js';
import type { SummaryRow } from '../fields.js';
import { fingerprintOf, type EventChange } from '../lifecycle.js';
import { patternKeys, type PatternCountsDb } from './read.js';
import { formatValue } from '../template.js';

const sql = sqlFolder(new URL('./', import.meta.url));

export const STATE_COLUMNS = [
  'window_from',
  'tenant_id',
  'rule_id',
  'group_key',
  'phase',
  'firing',
  'value',
  'fire_streak',
  'clear_streak',
  'windows',
  'flaps',
  'peak_value',
  'event_id',
  'opened_window',
] as const;

/** Trace-correlated patterns linked per edge: the top of the edge → logs ranking. */
const TRACE_CORRELATED = 5;
const BUCKET_MS = 300_000;

const DIM_OF: Record<SummaryRow['table'], string> = {
  metric_1m: 'metric',
  service_call_5m: 'trace',
  log_pattern_5m: 'log',
};

export interface WindowWrite {
  tenantId: number;
  window: { from: number; to: number };
  /** Per evaluated rule, the lifecycle changes of this window. */
  changes: { rule: Rule; changes: EventChange[] }[];
  /** State rows older than this are pruned (never read again). */
  pruneBefore: number;
}

export interface WindowWriteResult {
  opened: Record<string, number>;
  resolved: Record<string, number>;
  updated: number;
  links: number;
  states: number;
  dropped: number;
}

interface Link {
  eventId: string;
  dim: string;
  refPg: unknown;
  refOo: number | null;
  note: string;
}

function rowNote(r: SummaryRow): string {
  const f = r.fields;
  const at = new Date(r.bucket).toISOString();
  if (r.table === 'service_call_5m') {
    return `${f.src} -> ${f.dst} at ${at}: p95 ${formatValue(f.p95_ms)} ms, ${formatValue(f.errors)}/${formatValue(f.calls)} errors`;
  }
  if (r.table === 'metric_1m') {
    return `${f.metric} of ${f.resource} at ${at}: avg ${formatValue(f.avg)}, max ${formatValue(f.max)}, p95 ${formatValue(f.p95)}`;
  }
  return `${f.resource} at ${at}: ${formatValue(f.count_error)}/${formatValue(f.count_total)} error lines: ${f.pattern}`;
}

/**
 * For each edge among the rows, its trace-correlated patterns: the top of the edge → logs ranking
 * (src/correlation: patterns of either side that co-occur in the edge's sampled failed traces, by
 * lift over its healthy ones) over the rows' buckets, each linked to its busiest log_pattern_5m row
 * there. `ref_pg.relation: 'trace-correlated'` tells them from the same-bucket callee/caller links.
 * None when the edge has no sampled failed trace.
 */
async function traceCorrelatedLinks(
  tx: Queryable,
  tenantId: number,
  eventId: string,
  edges: readonly SummaryRow[],
): Promise<Link[]> {
  const byEdge = new Map<
    string,
    { src: number; dst: number; srcUrn: string; dstUrn: string; from: number; to: number }
  >();
  for (const e of edges) {
    const src = e.resourceIds.src!;
    const dst = e.resourceIds.dst!;
    const k = `${src}|${dst}`;
    const g = byEdge.get(k);
    if (g) {
      g.from = Math.min(g.from, e.bucket);
      g.to = Math.max(g.to, e.bucket + BUCKET_MS);
    } else {
      byEdge.set(k, {
        src,
        dst,
        srcUrn: String(e.fields.src),
        dstUrn: String(e.fields.dst),
        from: e.bucket,
        to: e.bucket + BUCKET_MS,
      });
    }
  }
  const links: Link[] = [];
  for (const g of byEdge.values()) {
    const r = await rankEdgeLogs(tx, { tenantId, srcId: g.src, dstId: g.dst, from: g.from, to: g.to });
    const top = r.patterns.slice(0, TRACE_CORRELATED);
    if (top.length === 0) continue;
    const rows = await tx.query<PatternCountsDb & { ord: unknown }>(sql('trace-correlated-rows.sql'), [
      tenantId,
      iso(g.from),
      iso(g.to),
      top.map((p) => p.resource_id),
      top.map((p) => p.fingerprint_id),
    ]);
    const rowOf = new Map(rows.rows.map((x) => [Number(x.ord), x]));
    for (const [i, p] of top.entries()) {
      const row = rowOf.get(i + 1);
      const keys = row
        ? patternKeys(
            toMs(row.bucket)!,
            Number(row.resource_id),
            Number(row.fingerprint_id),
            p.resource,
            row.fingerprint,
          )
        : {
            resource_id: p.resource_id,
            fingerprint_id: p.fingerprint_id,
            resource: p.resource,
            fingerprint: p.fingerprint,
          };
      links.push({
        eventId,
        dim: 'log',
        refPg: { table: 'log_pattern_5m', relation: 'trace-correlated', keys },
        refOo: row?.sample_ref == null ? null : Number(row.sample_ref),
        note:
          `trace-correlated ${p.resource}: in ${p.in_failed}/${r.failed_traces} failed, ${p.in_healthy}/${r.healthy_traces} healthy ` +
          `sampled traces of ${g.srcUrn} -> ${g.dstUrn} (lift ${formatValue(p.lift)}): ${p.pattern}`,
      });
    }
  }
  return links;
}

/**
 * A read-only view of `tx` that answers a statement it has run with the same parameters from memory:
 * the events of one window share their evidence reads (three edge rules firing on the same edge ask
 * the same related-logs, trace-correlation and topology questions), and the transaction's snapshot
 * does not change between them. Only for the links' reads; writes go to `tx` itself.
 */
function memoReads(tx: Queryable): Queryable {
  const memo = new Map<string, Promise<unknown>>();
  return {
    query<R>(text: string, params?: readonly SqlParam[]) {
      const key = `${text}\u0000${JSON.stringify(params ?? [])}`;
      let p = memo.get(key) as Promise<QueryResult<R>> | undefined;
      if (!p) memo.set(key, (p = tx.query<R>(text, params)));
      return p;
    },
    exec: () => Promise.reject(new Error('memoReads: read-only')),
    copyRows: () => Promise.reject(new Error('memoReads: read-only')),
  };
}

/**
 * Links for the rows that made a group fire; for an edge, its callee's/caller's error patterns, its
 * trace-correlated patterns and topology.
 */
async function linksFor(
  tx: Queryable,
  tenantId: number,
  eventId: string,
  rows: readonly SummaryRow[],
): Promise<Link[]> {
  const links: Link[] = rows.map((r) => ({
    eventId,
    dim: DIM_OF[r.table],
    refPg: r.ref,
    refOo: r.locatorId,
    note: rowNote(r),
  }));
  const edges = rows.filter((r) => r.table === 'service_call_5m');
  if (edges.length === 0) return links;
  const buckets: string[] = [];
  const ids: number[] = [];
  const roles: string[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    for (const [role, id] of [
      ['callee', e.resourceIds.dst!],
      ['caller', e.resourceIds.src!],
    ] as const) {
      const k = `${e.bucket}|${id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      buckets.push(iso(e.bucket));
      ids.push(id);
      roles.push(role);
    }
  }
  const logs = await tx.query<PatternCountsDb & { role: string; urn: string; pattern: string }>(
    sql('related-logs.sql'),
    [tenantId, buckets, ids, roles],
  );
  for (const l of logs.rows) {
    const bucket = toMs(l.bucket)!;
    const at = iso(bucket);
    links.push({
      eventId,
      dim: 'log',
      refPg: {
        table: 'log_pattern_5m',
        keys: patternKeys(bucket, Number(l.resource_id), Number(l.fingerprint_id), l.urn, l.fingerprint),
      },
      refOo: l.sample_ref == null ? null : Number(l.sample_ref),
      note: `${l.role} ${l.urn} at ${at}: ${Number(l.count_error)}/${Number(l.count_total)} error lines: ${l.pattern}`,
    });
  }
  links.push(...(await traceCorrelatedLinks(tx, tenantId, eventId, edges)));
  const times: string[] = [];
  const tids: number[] = [];
  const tseen = new Set<number>();
  for (const e of edges) {
    for (const id of [e.resourceIds.src!, e.resourceIds.dst!]) {
      if (tseen.has(id)) continue;
      tseen.add(id);
      times.push(iso(e.bucket));
      tids.push(id);
    }
  }
  const topo = await tx.query<{
    src_resource_id: unknown;
    dst_resource_id: unknown;
    relation: string;
    origin: string;
    valid_from: Date | null;
    src: string;
    dst: string;
  }>(sql('related-topo.sql'), [tenantId, times, tids]);
  for (const t of topo.rows) {
    links.push({
      eventId,
      dim: 'topo',
      refPg: {
        table: 'topo_edge_time',
        keys: {
          src_resource_id: Number(t.src_resource_id),
          dst_resource_id: Number(t.dst_resource_id),
          relation: t.relation,
          origin: t.origin,
          valid_from: t.valid_from ? iso(toMs(t.valid_from)!) : null,
          src: t.src,
          dst: t.dst,
        },
      },
      refOo: null,
      note: `topology: ${t.src} ${t.relation} ${t.dst} (${t.origin})`,
    });
  }
  return links;
}

/** The window's opened/updated events, column by column (event-upsert.sql binds one array each). */
function eventColumns() {
  return {
    event_id: [] as string[],
    resource_id: [] as (number | null)[],
    severity: [] as string[],
    kind: [] as string[],
    title: [] as string[],
    summary: [] as string[],
    labels: [] as string[],
    fingerprints: [] as string[],
    rule_id: [] as string[],
    fingerprint: [] as string[],
    group_key: [] as string[],
    first_seen: [] as string[],
    value: [] as (number | null)[],
    peak_value: [] as (number | null)[],
    windows: [] as number[],
    flaps: [] as number[],
    opened_window: [] as (string | null)[],
    detected_at: [] as string[],
  };
}

export async function writeWindow(tx: Queryable, w: WindowWrite): Promise<WindowWriteResult> {
  const { tenantId, window } = w;
  const wf = iso(window.from);
  await tx.query(sql('rerun-clear.sql'), [tenantId, wf]);
  await tx.query(sql('rerun-clear-links.sql'), [tenantId, wf]);
  const out: WindowWriteResult = { opened: {}, resolved: {}, updated: 0, links: 0, states: 0, dropped: 0 };
  const states: unknown[][] = [];
  const opened: string[] = [];
  const links: Link[] = [];
  const resolving: string[] = [];
  const reads = memoReads(tx);
  const ev = eventColumns();
  for (const { rule, changes } of w.changes) {
    for (const c of changes) {
      const s = c.state;
      states.push([
        wf,
        tenantId,
        s.ruleId,
        s.key,
        s.phase,
        s.firing,
        s.value,
        s.fireStreak,
        s.clearStreak,
        s.windows,
        s.flaps,
        s.peak,
        s.eventId,
        s.openedWindow === null ? null : iso(s.openedWindow),
      ]);
      if (s.eventId === null) continue;
      if (c.action === 'resolve') {
        resolving.push(s.eventId);
        out.resolved[rule.id] = (out.resolved[rule.id] ?? 0) + 1;
        continue;
      }
      if (c.action === 'hold') continue;
      const text = eventText(rule, c, window);
      const g = c.group!;
      // first_seen: the start of the data that first fired; detected_at: the end of that window.
      const span = 'range' in rule && rule.range !== undefined ? rule.range : rule.every;
      const openedEnd = (s.openedWindow ?? window.from) + (window.to - window.from);
      const fingerprint = fingerprintOf(rule.id, s.key);
      ev.event_id.push(s.eventId);
      ev.resource_id.push(g.resourceId);
      ev.severity.push(text.severity);
      ev.kind.push(text.kind);
      ev.title.push(text.title);
      ev.summary.push(text.summary);
      ev.labels.push(JSON.stringify(text.labels));
      ev.fingerprints.push(JSON.stringify({ rule: fingerprint }));
      ev.rule_id.push(rule.id);
      ev.fingerprint.push(fingerprint);
      ev.group_key.push(JSON.stringify(g.fields));
      ev.first_seen.push(iso(openedEnd - span));
      ev.value.push(s.value);
      ev.peak_value.push(s.peak);
      ev.windows.push(s.windows);
      ev.flaps.push(s.flaps);
      ev.opened_window.push(s.openedWindow === null ? null : iso(s.openedWindow));
      ev.detected_at.push(iso(openedEnd));
      if (c.action === 'open') {
        opened.push(s.eventId);
        out.opened[rule.id] = (out.opened[rule.id] ?? 0) + 1;
      } else out.updated++;
      links.push(...(await linksFor(reads, tenantId, s.eventId, g.evidence)));
    }
  }
  // One statement each for the window's resolutions and its opened/updated events (a window can
  // open hundreds: a round trip per event was most of the write).
  if (resolving.length > 0) await tx.query(sql('event-resolve.sql'), [tenantId, resolving, wf, iso(window.to)]);
  if (ev.event_id.length > 0) {
    await tx.query(sql('event-upsert.sql'), [
      tenantId,
      ev.event_id,
      ev.resource_id,
      ev.severity,
      ev.kind,
      ev.title,
      ev.summary,
      ev.labels,
      ev.fingerprints,
      ev.rule_id,
      ev.fingerprint,
      ev.group_key,
      ev.first_seen,
      iso(window.to),
      ev.value,
      ev.peak_value,
      ev.windows,
      ev.flaps,
      wf,
      ev.opened_window,
      ev.detected_at,
    ]);
  }
  if (states.length > 0) out.states = await tx.copyRows('rule_state', STATE_COLUMNS, states);
  const dropped = await tx.query(sql('rerun-drop-events.sql'), [tenantId, wf, opened]);
  out.dropped = dropped.rowCount;
  if (links.length > 0) {
    const r = await tx.query(sql('links-insert.sql'), [
      tenantId,
      wf,
      links.map((l) => l.eventId),
      links.map((l) => l.dim),
      links.map((l) => JSON.stringify(l.refPg)),
      links.map((l) => l.refOo),
      links.map((l) => l.note),
    ]);
    out.links = r.rowCount;
  }
  await tx.query(sql('state-prune.sql'), [tenantId, iso(w.pruneBefore)]);
  return out;
}
