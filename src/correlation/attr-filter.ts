/** `key=value` filters on business attributes (CLI --attr, API ?attr=), parsed once for both. */
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
export const MAX_ATTR_FILTERS = 8;

/** Returns the filters as an object, or a message naming what is wrong (never throws). */
export function parseAttrFilters(list: readonly string[]): Record<string, string> | string {
  if (list.length > MAX_ATTR_FILTERS) return `at most ${MAX_ATTR_FILTERS} filters`;
  const out: Record<string, string> = {};
  for (const f of list) {
    const i = f.indexOf('=');
    const key = i < 0 ? '' : f.slice(0, i);
    const value = i < 0 ? '' : f.slice(i + 1);
    if (!KEY_RE.test(key)) return `must be key=value with an attribute key such as user_id (got '${f.slice(0, 64)}')`;
    if (value.length === 0 || value.length > 256) return `the value of ${key} must be 1 to 256 characters`;
    out[key] = value;
  }
  return out;
}
