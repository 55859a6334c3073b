import type { Measurement } from './record.js';

/** Formats a figure for people: integers with thousands separators, small values with 3 significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

/**
 * One row per (case, db), one column per metric (with its unit), in first-seen order: the shape a
 * reader compares at a glance.
 */
export function formatTable(ms: readonly Measurement[]): string {
  const cols: string[] = [];
  const rows = new Map<string, Map<string, string>>();
  for (const m of ms) {
    const col = `${m.metric} (${m.unit})`;
    if (!cols.includes(col)) cols.push(col);
    const key = `${m.case}\u0000${m.db ?? ''}`;
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = new Map()));
    row.set(col, formatValue(m.value));
  }
  const header = ['case', 'db', ...cols];
  const body = [...rows.entries()].map(([key, row]) => {
    const [c, db] = key.split('\u0000') as [string, string];
    return [c, db === '' ? '-' : db, ...cols.map((col) => row.get(col) ?? '')];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...body.map(line)].join('\n');
}
