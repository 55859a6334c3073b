/**
 * The rules job's reads: summary rows for the ranges the evaluated rules need (merged per table, so
 * overlapping lookbacks are read once), the pattern pairs new_pattern compares with, and the
 * previous state rows. Everything is tenant-scoped and bound as parameters.
 */
import { iso, toMs } from '../../db/sql-file.js';
import { sqlFolder } from '../../db/sql-file.js';
import type { Queryable } from '../../db/types.js';
import type { Rule } from '../config.js';
import { labelValue, type FieldValue, type RuleTable, type SummaryRow } from '../fields.js';
import type { RowRange, RowSource } from '../evaluate.js';
import type { KeyState, Phase } from '../lifecycle.js';
import { quantileOf } from '../values.js';
import { historyInSql, loadHistories } from './baseline.js';

const sql = sqlFolder(new URL('./', import.meta.url));

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Merges overlapping or touching ranges per table. */
export function mergeRanges(ranges: readonly RowRange[]): RowRange[] {
  const out: RowRange[] = [];
  const byTable = new Map<RuleTable, RowRange[]>();
  for (const r of ranges) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  for (const [table, list] of [...byTable.entries()].sort()) {
    list.sort((a, b) => a.from - b.from);
    let cur: RowRange | undefined;
    for (const r of list) {
      if (cur && r.from <= cur.to) cur.to = Math.max(cur.to, r.to);
      else {
        if (cur) out.push(cur);
        cur = { table, from: r.from, to: r.to };
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** Bucket start → ISO text, for the rows' ref keys: a window has a few dozen buckets and 10⁵ rows. */
const isoCache = new Map<number, string>();
function isoOf(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size > 4096) isoCache.clear();
    isoCache.set(ms, (s = iso(ms)));
  }
  return s;
}

interface CallRowDb {
  bucket_ms: number;
  src_resource_id: unknown;
  dst_resource_id: unknown;
  calls: unknown;
  errors: unknown;
  rps: number | null;
  err_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  sample_ref: unknown;
  sketch: Uint8Array | null;
}

interface ResourceDb {
  resource_id: unknown;
  urn: string;
  type: string;
  name: string;
  namespace: string | null;
}

type Resources = ReadonlyMap<number, ResourceDb>;
const UNKNOWN: ResourceDb = { resource_id: 0, urn: '?', type: '?', name: '?', namespace: null };

interface MetricRowDb {
  bucket_ms: number;
  resource_id: unknown;
  metric: string;
  labels: Record<string, unknown> | null;
  labels_hash: string;
  avg_val: number | null;
  max_val: number | null;
  min_val: number | null;
  p95_val: number | null;
  count: unknown;
  sum_val: number | null;
  sketch: Uint8Array | null;
}

/** A log_pattern_5m row as the rules read it: key, counts, locator and the pattern's fingerprint. */
export interface PatternCountsDb {
  bucket: Date;
  resource_id: unknown;
  fingerprint_id: unknown;
  count_total: unknown;
  count_error: unknown;
  sample_ref: unknown;
  fingerprint: string;
}

/** A log_pattern_5m row's key as evidence_link.ref_pg keys (ids, and the URN and fingerprint they name). */
export function patternKeys(
  bucket: number,
  resourceId: number,
  fingerprintId: number,
  resource: string,
  fingerprint: string,
): Record<string, FieldValue> {
  return { bucket: isoOf(bucket), resource_id: resourceId, fingerprint_id: fingerprintId, resource, fingerprint };
}

interface PatternRowDb extends PatternCountsDb {
  urn: string;
  type: string;
  name: string;
  namespace: string | null;
  pattern: string;
  severity: string | null;
}

function callRow(r: CallRowDb, res: Resources): SummaryRow {
  const bucket = Number(r.bucket_ms);
  const src = Number(r.src_resource_id);
  const dst = Number(r.dst_resource_id);
  const s = res.get(src) ?? UNKNOWN;
  const d = res.get(dst) ?? UNKNOWN;
  return {
    table: 'service_call_5m',
    bucket,
    fields: {
      bucket,
      src: s.urn,
      src_type: s.type,
      src_name: s.name,
      src_namespace: s.namespace,
      dst: d.urn,
      dst_type: d.type,
      dst_name: d.name,
      dst_namespace: d.namespace,
      calls: n(r.calls),
      errors: n(r.errors),
      rps: r.rps,
      err_rate: r.err_rate,
      p50_ms: r.p50_ms,
      p95_ms: r.p95_ms,
    },
    sketch: r.sketch,
    locatorId: n(r.sample_ref),
    ref: {
      table: 'service_call_5m',
      keys: { bucket: isoOf(bucket), src_resource_id: src, dst_resource_id: dst, src: s.urn, dst: d.urn },
    },
    resourceIds: { src, dst },
  };
}

function metricRow(r: MetricRowDb, res: Resources): SummaryRow {
  const bucket = Number(r.bucket_ms);
  const rid = Number(r.resource_id);
  const x = res.get(rid) ?? UNKNOWN;
  const fields: Record<string, FieldValue> = {
    bucket,
    resource: x.urn,
    resource_type: x.type,
    resource_name: x.name,
    namespace: x.namespace,
    metric: r.metric,
    avg: r.avg_val,
    max: r.max_val,
    min: r.min_val,
    p95: r.p95_val,
    count: n(r.count),
    sum: r.sum_val,
  };
  const labels: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(r.labels ?? {})) {
    const fv = labelValue(v);
    fields[`labels.${k}`] = fv;
    labels[k] = fv;
  }
  return {
    table: 'metric_1m',
    bucket,
    fields,
    sketch: r.sketch,
    // Resolved for the evidence rows only (metricLocators), after the evaluation.
    locatorId: null,
    ref: {
      table: 'metric_1m',
      keys: { bucket: isoOf(bucket), resource_id: rid, metric: r.metric, labels_hash: r.labels_hash, resource: x.urn },
    },
    resourceIds: { resource: rid },
  };
}

function patternRow(r: PatternRowDb): SummaryRow {
  const bucket = toMs(r.bucket)!;
  const rid = Number(r.resource_id);
  const fid = Number(r.fingerprint_id);
  return {
    table: 'log_pattern_5m',
    bucket,
    fields: {
      bucket,
      resource: r.urn,
      resource_type: r.type,
      resource_name: r.name,
      namespace: r.namespace,
      fingerprint: r.fingerprint,
      pattern: r.pattern,
      severity: r.severity,
      count_total: n(r.count_total),
      count_error: n(r.count_error),
    },
    sketch: null,
    locatorId: n(r.sample_ref),
    ref: {
      table: 'log_pattern_5m',
      keys: patternKeys(bucket, rid, fid, r.urn, r.fingerprint),
    },
    resourceIds: { resource: rid, fingerprint: fid },
  };
}

/**
 * What the rules over `table` need read: sketches (a quantile) from which bucket on, and, for
 * metric_1m, which metrics. Sketches are the largest column: a baseline over the edge table grouped
 * by its key (src, dst) with one-bucket points has one row per point, whose stored p95 is the
 * quantile of its own sketch, so only the current span's sketches are read for it.
 */
function tableNeeds(
  rules: readonly Rule[],
  table: RuleTable,
  at: number,
): { sketch: boolean; sketchFrom: number; metrics: string[] | null } {
  let sketch = false;
  let sketchFrom = Infinity;
  let metrics: Set<string> | null = new Set();
  for (const r of rules) {
    if (!('table' in r) || r.table !== table) continue;
    const specs = 'value' in r ? [r.value, ...('guard' in r ? (r.guard ?? []) : [])] : [];
    if (specs.some((s) => quantileOf(s) !== null)) {
      sketch = true;
      const range = 'range' in r && r.range !== undefined ? r.range : r.every;
      const keyed =
        r.kind === 'baseline' &&
        table === 'service_call_5m' &&
        range === r.every &&
        ['src', 'dst'].every((f) => r.group_by?.includes(f));
      sketchFrom = Math.min(sketchFrom, r.kind !== 'baseline' || keyed ? at - range : -Infinity);
    }
    // A metric rule that names its metric with eq/in reads only those; one that does not reads all.
    const m = r.where?.find((f) => f.field === 'metric' && (f.op === 'eq' || f.op === 'in'));
    if (!m) metrics = null;
    else if (metrics) for (const v of Array.isArray(m.value) ? m.value : [m.value]) metrics.add(String(v));
  }
  return { sketch, sketchFrom, metrics: metrics === null ? null : [...metrics].sort() };
}

/**
 * Reads the rows for `ranges` (and the new_pattern history spans) and returns them as a RowSource
 * the pure evaluation filters by bucket.
 */
export async function loadRows(
  db: Queryable,
  tenantId: number,
  rules: readonly Rule[],
  need: { ranges: RowRange[]; seen: { from: number; to: number }[] },
  /** The end of the rules window (where the current span ends). */
  at: number,
  /** Baseline rules whose history is computed in SQL (rowRanges left their history rows out). */
  historyInDb: ReadonlySet<string> = new Set(),
): Promise<{ source: RowSource; read: Record<string, number> }> {
  const loaded = new Map<RuleTable, SummaryRow[]>();
  const read: Record<string, number> = {};
  for (const range of mergeRanges(need.ranges)) {
    const needs = tableNeeds(rules, range.table, at);
    const sketchFrom = iso(Math.max(range.from, Number.isFinite(needs.sketchFrom) ? needs.sketchFrom : range.from));
    let rows: SummaryRow[];
    if (range.table === 'service_call_5m') {
      const r = await db.query<CallRowDb>(sql('calls.sql'), [
        tenantId,
        iso(range.from),
        iso(range.to),
        needs.sketch,
        sketchFrom,
      ]);
      const res = await resourcesOf(
        db,
        tenantId,
        r.rows.flatMap((x) => [x.src_resource_id, x.dst_resource_id]),
      );
      rows = r.rows.map((x) => callRow(x, res));
    } else if (range.table === 'metric_1m') {
      const r = await db.query<MetricRowDb>(sql('metrics.sql'), [
        tenantId,
        iso(range.from),
        iso(range.to),
        needs.sketch,
        needs.metrics,
        sketchFrom,
      ]);
      const res = await resourcesOf(
        db,
        tenantId,
        r.rows.map((x) => x.resource_id),
      );
      rows = r.rows.map((x) => metricRow(x, res));
    } else {
      const r = await db.query<PatternRowDb>(sql('patterns.sql'), [tenantId, iso(range.from), iso(range.to)]);
      rows = r.rows.map(patternRow);
    }
    read[range.table] = (read[range.table] ?? 0) + rows.length;
    const list = loaded.get(range.table);
    if (list) list.push(...rows);
    else loaded.set(range.table, rows);
  }
  const seenSets = new Map<string, Set<string>>();
  for (const s of need.seen) {
    const k = `${s.from}:${s.to}`;
    if (seenSets.has(k)) continue;
    const r = await db.query<{ resource_id: unknown; fingerprint_id: unknown }>(sql('patterns-seen.sql'), [
      tenantId,
      iso(s.from),
      iso(s.to),
    ]);
    seenSets.set(k, new Set(r.rows.map((x) => `${Number(x.resource_id)}|${Number(x.fingerprint_id)}`)));
  }
  const pushed = rules.filter((r) => historyInDb.has(r.id)).filter(historyInSql);
  const histories = await loadHistories(db, tenantId, pushed, at);
  for (const r of pushed) read[`${r.table}:history`] = (read[`${r.table}:history`] ?? 0) + histories.get(r.id)!.size;
  const source: RowSource = {
    rows(table, from, to) {
      return (loaded.get(table) ?? []).filter((r) => r.bucket >= from && r.bucket < to);
    },
    seen(from, to) {
      return seenSets.get(`${from}:${to}`) ?? new Set();
    },
    history: (ruleId) => histories.get(ruleId),
  };
  return { source, read };
}

/**
 * Sets the oo_locator of the metric_1m rows among `rows` (the evidence of firing groups): the metric
 * stream's locator of the row's bucket, looked up once per (metric, bucket) instead of joined to every
 * row read.
 */
export async function metricLocators(db: Queryable, tenantId: number, rows: readonly SummaryRow[]): Promise<void> {
  const want = new Map<string, { metric: string; bucket: number }>();
  for (const r of rows) {
    if (r.table !== 'metric_1m' || r.locatorId !== null) continue;
    const metric = String(r.fields.metric);
    want.set(`${metric}|${r.bucket}`, { metric, bucket: r.bucket });
  }
  if (want.size === 0) return;
  const keys = [...want.values()];
  const found = await db.query<{ metric: string; bucket_ms: number; id: unknown }>(sql('metric-locators.sql'), [
    tenantId,
    keys.map((k) => k.metric),
    keys.map((k) => iso(k.bucket)),
  ]);
  const ids = new Map(found.rows.map((x) => [`${x.metric}|${Number(x.bucket_ms)}`, Number(x.id)]));
  for (const r of rows) {
    if (r.table !== 'metric_1m' || r.locatorId !== null) continue;
    r.locatorId = ids.get(`${String(r.fields.metric)}|${r.bucket}`) ?? null;
  }
}

async function resourcesOf(db: Queryable, tenantId: number, ids: readonly unknown[]): Promise<Resources> {
  const unique = [...new Set(ids.map(Number))];
  if (unique.length === 0) return new Map();
  const r = await db.query<ResourceDb>(sql('resources.sql'), [tenantId, unique]);
  return new Map(r.rows.map((x) => [Number(x.resource_id), x]));
}

interface StateRowDb {
  rule_id: string;
  group_key: string;
  window_from: Date;
  phase: Phase;
  firing: boolean;
  value: number | null;
  fire_streak: number;
  clear_streak: number;
  windows: number;
  flaps: number;
  peak_value: number | null;
  event_id: string | null;
  opened_window: Date | null;
}

/** Latest state per rule and key before `windowFrom` (within `horizon` ms). */
export async function loadPrevState(
  db: Queryable,
  tenantId: number,
  windowFrom: number,
  horizon: number,
): Promise<Map<string, Map<string, KeyState>>> {
  const r = await db.query<StateRowDb>(sql('state-prev.sql'), [tenantId, iso(windowFrom), iso(windowFrom - horizon)]);
  const out = new Map<string, Map<string, KeyState>>();
  for (const s of r.rows) {
    let m = out.get(s.rule_id);
    if (!m) out.set(s.rule_id, (m = new Map()));
    m.set(s.group_key, {
      ruleId: s.rule_id,
      key: s.group_key,
      windowFrom: toMs(s.window_from)!,
      phase: s.phase,
      firing: s.firing,
      value: s.value,
      fireStreak: s.fire_streak,
      clearStreak: s.clear_streak,
      windows: s.windows,
      flaps: s.flaps,
      peak: s.peak_value,
      eventId: s.event_id,
      openedWindow: toMs(s.opened_window),
    });
  }
  return out;
}
