/**
 * The seed's alert-rule conditions over a row's fields. All conditions of a rule must hold (与);
 * `in` holds when the value is one of the list (或), `not_in` when it is none of them; time_in holds
 * when the time of day falls in one of the ranges, time_not_in when it falls in none.
 */
import type { FilterOp } from './config.js';
import type { FieldValue, SummaryRow } from './fields.js';

export interface Filter {
  field: string;
  op: FilterOp;
  value: string | number | boolean | (string | number | boolean)[];
  tz?: string | undefined;
}

/** Seconds since midnight in `tz` (UTC when absent). */
function secondOfDay(ms: number, tz: string | undefined): number {
  if (tz === undefined || tz === 'UTC') {
    const d = new Date(ms);
    return d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  }
  const parts = zoneFormat(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return (get('hour') % 24) * 3600 + get('minute') * 60 + get('second');
}

const formats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hour12: false,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** `HH:MM[:SS]-HH:MM[:SS]` → [from, to] in seconds of the day, both inclusive; a range may wrap midnight. */
export function parseTimeRange(text: string): [number, number] {
  const [a, b] = text.split('-') as [string, string];
  const sec = (s: string) => {
    const [h, m, x] = s.split(':').map(Number) as [number, number, number | undefined];
    return h * 3600 + m * 60 + (x ?? 0);
  };
  // Without seconds the end minute is whole: 08:00-08:59 holds 08:59:30.
  const end = sec(b) + (b.split(':').length === 2 ? 59 : 0);
  return [sec(a), end];
}

function inRange(s: number, [from, to]: [number, number]): boolean {
  return from <= to ? s >= from && s <= to : s >= from || s <= to;
}

function equal(a: FieldValue | undefined, b: string | number | boolean): boolean {
  if (a === undefined || a === null) return false;
  if (typeof a === typeof b) return a === b;
  // A label read as text compared with a number in the rule (busi_code: 10): compare as numbers.
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '') return a === Number(b);
  return String(a) === String(b);
}

function numeric(v: FieldValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Compiles one condition into a predicate over rows (ranges parsed once). */
export function compileFilter(f: Filter): (row: SummaryRow) => boolean {
  const list = Array.isArray(f.value) ? f.value : [f.value];
  const one = list[0]!;
  const get = (row: SummaryRow): FieldValue | undefined => row.fields[f.field];
  switch (f.op) {
    case 'eq':
      return (r) => equal(get(r), one);
    case 'ne':
      // A missing field is not equal to anything.
      return (r) => !equal(get(r), one);
    case 'in':
      return (r) => list.some((v) => equal(get(r), v));
    case 'not_in':
      return (r) => !list.some((v) => equal(get(r), v));
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt': {
      const t = one as number;
      return (r) => {
        const v = numeric(get(r));
        if (v === null) return false;
        return f.op === 'gte' ? v >= t : f.op === 'lte' ? v <= t : f.op === 'gt' ? v > t : v < t;
      };
    }
    case 'starts_with':
      return (r) => String(get(r) ?? '').startsWith(one as string) && get(r) != null;
    case 'not_starts_with':
      return (r) => !(get(r) != null && String(get(r)).startsWith(one as string));
    case 'ends_with':
      return (r) => String(get(r) ?? '').endsWith(one as string) && get(r) != null;
    case 'not_ends_with':
      return (r) => !(get(r) != null && String(get(r)).endsWith(one as string));
    case 'time_in':
    case 'time_not_in': {
      const ranges = list.map((x) => parseTimeRange(String(x)));
      return (r) => {
        const v = get(r);
        const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isFinite(ms)) return false;
        const s = secondOfDay(ms, f.tz);
        const hit = ranges.some((x) => inRange(s, x));
        return f.op === 'time_in' ? hit : !hit;
      };
    }
  }
}

/** All conditions (与); no conditions: every row. */
export function compileWhere(filters: readonly Filter[] | undefined): (row: SummaryRow) => boolean {
  const preds = (filters ?? []).map(compileFilter);
  if (preds.length === 0) return () => true;
  return (r) => preds.every((p) => p(r));
}
