/**
 * Event titles and summaries from the rule's fields (the seed lets a user write the alert text from
 * the key/value fields): `{{name}}` is replaced by the field's value, numbers rounded for reading.
 * A dozen lines, so no template engine: there are no loops, conditions or escapes to support, and the
 * text is stored as plain text (never rendered as HTML here). Unknown names render as `?`.
 */
import type { FieldValue } from './fields.js';

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.\-/]*)\s*\}\}/g;
/** Rendered text is cut here (a template over a huge field must not make a huge row). */
export const MAX_RENDERED = 4000;

export function formatValue(v: FieldValue | FieldValue[] | undefined): string {
  if (v === undefined || v === null) return '?';
  if (Array.isArray(v)) return v.map((x) => formatValue(x)).join(', ');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a >= 100
      ? v.toFixed(0)
      : a >= 1
        ? v.toFixed(2).replace(/\.?0+$/, '')
        : v.toPrecision(3).replace(/\.?0+$/, '');
  }
  return String(v);
}

export function render(
  template: string,
  vars: Readonly<Record<string, FieldValue | FieldValue[] | undefined>>,
): string {
  const out = template.replace(PLACEHOLDER_RE, (_m, name: string) => formatValue(vars[name]));
  return out.length > MAX_RENDERED ? `${out.slice(0, MAX_RENDERED - 1)}…` : out;
}
