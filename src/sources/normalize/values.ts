import type { AttrValue } from '../../core/records.js';

/** Latest accepted time (year 9999); anything later, negative or non-finite is not a timestamp. */
const MAX_MS = 253_402_300_800_000;
const DIGITS = /^-?\d+$/;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

/**
 * An integer count of microseconds (OO's `_timestamp`) as a number: from a JSON number, a bigint
 * (parquet INT64), a digit string or a Date. undefined when absent or not a sane time.
 */
export function microsOf(v: unknown): number | undefined {
  let us: number;
  if (typeof v === 'number') us = v;
  else if (typeof v === 'bigint') us = Number(v);
  else if (typeof v === 'string' && DIGITS.test(v)) us = Number(v);
  else if (v instanceof Date) us = v.getTime() * 1000;
  else return undefined;
  if (!Number.isFinite(us) || us <= 0 || us / 1000 > MAX_MS) return undefined;
  return Math.trunc(us);
}

/** Epoch ms (fractional, sub-ms kept) from a count of nanoseconds given as digits, bigint or number. */
export function msFromNanos(v: unknown): number | undefined {
  let ms: number;
  if (typeof v === 'string') {
    if (!DIGITS.test(v) || v.startsWith('-')) return undefined;
    // Split the digits instead of Number(v): a 19-digit ns value is beyond 2^53.
    ms = v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
  } else if (typeof v === 'bigint') {
    if (v < 0n) return undefined;
    ms = Number(v / 1_000_000n) + Number(v % 1_000_000n) / 1e6;
  } else if (typeof v === 'number') {
    ms = v / 1e6;
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_MS) return undefined;
  return ms;
}

/** Epoch ms from ms given as number, bigint or digit string (our own record format). */
export function msOf(v: unknown): number | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'bigint') ms = Number(v);
  else if (typeof v === 'string' && v.length > 0 && !Number.isNaN(Number(v))) ms = Number(v);
  else return undefined;
  // 0 is an unset time, not 1970.
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_MS) return undefined;
  return ms;
}

/**
 * A scalar attribute value. Big integers stay exact as strings; nested values (which flat OO rows
 * should not have) become JSON text; null/undefined mean "absent".
 */
export function attrValueOf(v: unknown): AttrValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    case 'object':
      if (v === null) return undefined;
      if (v instanceof Date) return v.toISOString();
      try {
        return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
      } catch {
        return String(v);
      }
    default:
      return undefined;
  }
}

/** An integer attribute that may arrive as a string (OO stringifies span attributes). */
export function intAttrOf(v: AttrValue): AttrValue {
  if (typeof v === 'string' && DIGITS.test(v) && v.length < 16) return Number(v);
  return v;
}

/** A finite number from a number, bigint or numeric string; NaN for "NaN"/±Infinity; undefined otherwise. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (!Number.isNaN(n) || /^[+-]?nan$/i.test(v.trim())) return n;
  }
  return undefined;
}

const SEVERITY_BY_NUMBER = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** OTel severity text from a severity number (1–24); undefined outside that range. */
export function severityFromNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 24) return undefined;
  return SEVERITY_BY_NUMBER[Math.floor((n - 1) / 4)];
}
