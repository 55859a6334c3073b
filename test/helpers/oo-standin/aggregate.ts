/**
 * GROUP BY evaluation for the stand-in (reference §8): histogram buckets start-aligned to the
 * interval and written as ISO text without a zone (`2024-06-10T06:13:00`), and exactly the
 * aggregates the ETL pushes down. `approx_percentile_cont` is computed exactly here (continuous
 * percentile, linear between neighbours), which the reference allows for a double; OpenObserve's
 * DataFusion answers from a t-digest and may differ from it by the digest's error.
 */
import type { OoRow } from './json-writer.js';
import type { Query, SelectItem } from './sql.js';

interface Group {
  keys: unknown[];
  /** Per aggregate item: the non-null numeric values (count(*) counts rows). */
  values: number[][];
  rows: number;
}

function bucketText(us: number, intervalMs: number): string {
  const ms = Math.floor(us / 1000 / intervalMs) * intervalMs;
  return new Date(ms).toISOString().slice(0, 19);
}

function percentileCont(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Rows (already filtered by time and WHERE) → one output row per group, in first-seen order. */
export function aggregateRows(rows: readonly OoRow[], q: Query): OoRow[] {
  if (q.select.kind !== 'aggregate') throw new Error('aggregateRows: not an aggregate query');
  const items = q.select.items;
  const keyItems = items.filter((it): it is Exclude<SelectItem, { kind: 'agg' }> => it.kind !== 'agg');
  const aggItems = items.filter((it): it is Extract<SelectItem, { kind: 'agg' }> => it.kind === 'agg');
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const keys = keyItems.map((it) =>
      it.kind === 'histogram' ? bucketText(Number(r[it.column]), it.intervalMs) : (r[it.column] ?? null),
    );
    const k = JSON.stringify(keys, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = { keys, values: aggItems.map(() => []), rows: 0 }));
    g.rows++;
    aggItems.forEach((it, j) => {
      if (it.column === '*') return;
      const v = numeric(r[it.column]);
      if (v !== undefined) g.values[j]!.push(v);
    });
  }
  const out: OoRow[] = [];
  for (const g of groups.values()) {
    const row: OoRow = {};
    keyItems.forEach((it, j) => {
      const v = g.keys[j];
      if (v !== null && v !== undefined) row[it.alias] = v as OoRow[string];
    });
    aggItems.forEach((it, j) => {
      const vs = g.values[j]!;
      if (it.fn === 'count') {
        row[it.alias] = it.column === '*' ? g.rows : vs.length;
        return;
      }
      if (vs.length === 0) return; // SQL NULL: omitted like every null field
      if (it.fn === 'sum') row[it.alias] = vs.reduce((a, b) => a + b, 0);
      else if (it.fn === 'min') row[it.alias] = vs.reduce((a, b) => (b < a ? b : a));
      else if (it.fn === 'max') row[it.alias] = vs.reduce((a, b) => (b > a ? b : a));
      else if (it.fn === 'avg') row[it.alias] = vs.reduce((a, b) => a + b, 0) / vs.length;
      else
        row[it.alias] = percentileCont(
          [...vs].sort((a, b) => a - b),
          it.q!,
        );
    });
    out.push(row);
  }
  return out;
}
