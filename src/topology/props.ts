import type { EdgeProps, JsonValue } from './model.js';

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(v: JsonValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x)).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
}

/** Deep equality of JSON values; object key order does not matter. Allocation-light (used per kept edge). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let n = 0;
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual(a[k], b[k])) return false;
  }
  for (const k in b) if (Object.prototype.hasOwnProperty.call(b, k)) n--;
  return n === 0;
}

export function propsEqual(a: EdgeProps, b: EdgeProps): boolean {
  return jsonEqual(a, b);
}

function compareJson(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : canonicalJson(a);
  const y = typeof b === 'string' ? b : canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Union of two values as a sorted list without duplicates. */
function unionList(a: JsonValue, b: JsonValue): JsonValue[] {
  const out = new Map<string, JsonValue>();
  for (const v of [a, b]) for (const x of Array.isArray(v) ? v : [v]) out.set(canonicalJson(x), x);
  return [...out.values()].sort(compareJson);
}

/**
 * Merges the props of two sightings of one edge. Lists are unioned (sorted); booleans are ANDed
 * (an edge is `inferred` only if every sighting was inferred); differing scalars become a list.
 */
export function mergeProps(a: EdgeProps, b: EdgeProps): EdgeProps {
  const out: EdgeProps = { ...a };
  for (const [k, bv] of Object.entries(b)) {
    const av = out[k];
    if (av === undefined) out[k] = bv;
    else if (typeof av === 'boolean' && typeof bv === 'boolean') out[k] = av && bv;
    else if (Array.isArray(av) || Array.isArray(bv)) out[k] = unionList(av, bv);
    else if (canonicalJson(av) !== canonicalJson(bv)) out[k] = unionList(av, bv);
  }
  return out;
}

/** Sorts list-valued props so that output is deterministic. */
export function normalizeProps(p: EdgeProps): EdgeProps {
  const out: EdgeProps = {};
  for (const k of Object.keys(p).sort()) {
    const v = p[k] as JsonValue;
    out[k] = Array.isArray(v) ? unionList([], v) : v;
  }
  return out;
}
