/**
 * What a rule sees of a summary row: a flat map of named fields (resource URNs and names instead of
 * ids, metric labels as `labels.<key>`), the row's latency sketch for quantiles, and how to point back
 * at it (its key in PostgreSQL, its OO locator).
 */

const MINUTE = 60_000;

export const TABLES = ['metric_1m', 'service_call_5m', 'log_pattern_5m'] as const;
export type RuleTable = (typeof TABLES)[number];

/** Each table's bucket: a rule over it is evaluated once per bucket, when the bucket is complete. */
export const TABLE_BUCKET: Readonly<Record<RuleTable, number>> = {
  metric_1m: MINUTE,
  service_call_5m: 5 * MINUTE,
  log_pattern_5m: 5 * MINUTE,
};

/** The fields of each table a rule may name (besides `labels.<key>` on metric_1m). */
export const TABLE_FIELDS: Readonly<Record<RuleTable, readonly string[]>> = {
  metric_1m: [
    'bucket',
    'resource',
    'resource_type',
    'resource_name',
    'namespace',
    'metric',
    'avg',
    'max',
    'min',
    'p95',
    'count',
    'sum',
  ],
  service_call_5m: [
    'bucket',
    'src',
    'src_type',
    'src_name',
    'src_namespace',
    'dst',
    'dst_type',
    'dst_name',
    'dst_namespace',
    'calls',
    'errors',
    'rps',
    'err_rate',
    'p50_ms',
    'p95_ms',
  ],
  log_pattern_5m: [
    'bucket',
    'resource',
    'resource_type',
    'resource_name',
    'namespace',
    'fingerprint',
    'pattern',
    'severity',
    'count_total',
    'count_error',
  ],
};

export type FieldValue = string | number | boolean | null;

/** One summary row as the rules read it. */
export interface SummaryRow {
  table: RuleTable;
  /** Bucket start, epoch ms. */
  bucket: number;
  fields: Record<string, FieldValue>;
  /** metric_1m.sketch / service_call_5m.latency_sketch (DDSketch bytes), when present. */
  sketch: Uint8Array | null;
  /** The row's oo_locator id (sample_ref, or the metric stream's locator of the bucket). */
  locatorId: number | null;
  /** The row's key, as evidence_link.ref_pg: `{table, keys}`. */
  ref: { table: RuleTable; keys: Record<string, FieldValue> };
  /** Resource ids of the row (for the event's resource and the callee's patterns). */
  resourceIds: Record<string, number>;
}

/** A metric label's value as a rule field (objects and lists as their JSON text). */
export function labelValue(v: unknown): FieldValue {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
}

export function fieldOf(row: SummaryRow, name: string): FieldValue | undefined {
  const v = row.fields[name];
  return v === undefined ? undefined : v;
}

/** The field the event is about when the rule does not say (`resource_field`). */
export function defaultResourceField(table: RuleTable): string {
  return table === 'service_call_5m' ? 'dst' : 'resource';
}
