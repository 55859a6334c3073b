import type { RowSource } from '../../../src/rules/evaluate.js';
import type { FieldValue, RuleTable, SummaryRow } from '../../../src/rules/fields.js';

/** A summary row for pure tests. */
export function row(
  table: RuleTable,
  bucket: number,
  fields: Record<string, FieldValue>,
  ids: Record<string, number> = {},
): SummaryRow {
  return {
    table,
    bucket,
    fields: { bucket, ...fields },
    sketch: null,
    locatorId: null,
    ref: { table, keys: { bucket: new Date(bucket).toISOString() } },
    resourceIds: ids,
  };
}

export function sourceOf(rows: SummaryRow[], seen: string[] = []): RowSource {
  return {
    rows: (table, from, to) => rows.filter((r) => r.table === table && r.bucket >= from && r.bucket < to),
    seen: () => new Set(seen),
  };
}
