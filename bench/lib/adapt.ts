/**
 * Turns what another area's bench function returns into measurements, so every bench records in
 * one format: arrays of `{case, metric, value, unit}` pass through; objects of numbers become one
 * measurement per field, with the unit read from the field's name (linesPerSec → lines/s,
 * heapMb → MB, totalMs → ms, sizeBytes → B).
 */
import type { DbKind, Measurement } from './record.js';

function snake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

export function unitOf(key: string): string {
  const per = /^(.*?)Per(Sec|Second|S)$/.exec(key);
  if (per) return `${snake(per[1]!).replace(/_/g, ' ') || 'ops'}/s`;
  if (/_?(mb|MB|Mb)$/.test(key)) return 'MB';
  if (/_?(ms|Ms|MS)$/.test(key)) return 'ms';
  if (/(Seconds|Sec|[a-z]S)$/.test(key) || /_s$/.test(key)) return 's';
  if (/_?[Bb]ytes$/.test(key)) return 'B';
  if (/_?(pct|Pct|Percent|percent)$/.test(key)) return '%';
  if (/_?(ratio|Ratio)$/.test(key)) return 'x';
  return 'count';
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function dbOf(x: unknown): DbKind | null {
  return x === 'pglite' || x === 'postgres' ? x : null;
}

function fromObject(caseName: string, o: Record<string, unknown>, db: DbKind | null): Measurement[] {
  const out: Measurement[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && Number.isFinite(v))
      out.push({ case: caseName, db, metric: snake(k), value: v, unit: unitOf(k) });
    else if (typeof v === 'boolean') out.push({ case: caseName, db, metric: snake(k), value: v ? 1 : 0, unit: 'bool' });
    else if (isRecord(v)) out.push(...fromObject(`${caseName}/${k}`, v, dbOf(v.db) ?? db));
  }
  return out;
}

export function toMeasurements(bench: string, result: unknown): Measurement[] {
  if (Array.isArray(result)) {
    return result.flatMap((el, i) => {
      if (!isRecord(el)) return [];
      const c = typeof el.case === 'string' ? el.case : typeof el.name === 'string' ? el.name : `${bench}-${i + 1}`;
      if (typeof el.metric === 'string' && typeof el.value === 'number') {
        const m: Measurement = {
          case: c,
          db: dbOf(el.db),
          metric: el.metric,
          value: el.value,
          unit: typeof el.unit === 'string' ? el.unit : unitOf(el.metric),
        };
        if (typeof el.note === 'string') m.note = el.note;
        return [m];
      }
      const { case: _c, name: _n, db, ...rest } = el;
      return fromObject(c, rest, dbOf(db));
    });
  }
  if (isRecord(result)) {
    for (const k of ['results', 'cases', 'measurements'])
      if (Array.isArray(result[k])) return toMeasurements(bench, result[k]);
    return fromObject(bench, result, dbOf(result.db));
  }
  if (typeof result === 'number') return [{ case: bench, db: null, metric: 'value', value: result, unit: 'count' }];
  return [];
}
