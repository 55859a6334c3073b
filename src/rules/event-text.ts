/**
 * What a rules event says: severity (fixed or banded over the value), kind, title and summary from
 * the rule's templates over the group's fields and figures, and its labels. Pure.
 */
import type { Rule, Severity } from './config.js';
import type { FieldValue } from './fields.js';
import type { EventChange } from './lifecycle.js';
import { compare } from './values.js';
import { render } from './template.js';

export interface EventText {
  severity: Severity;
  kind: string;
  title: string;
  summary: string;
  labels: Record<string, unknown>;
}

const DEFAULT_TITLE: Record<Rule['kind'], string> = {
  threshold: '{{rule}}: {{value}} (threshold {{threshold}}) for {{group}}',
  baseline: '{{rule}}: {{value}} is {{ratio}}x its baseline {{baseline}} for {{group}}',
  new_pattern: '{{rule}}: new log pattern on {{resource_name}}: {{pattern}}',
  pattern_burst: '{{rule}}: log pattern burst on {{resource}} ({{value}} vs baseline {{baseline}}): {{pattern}}',
  topn: '{{rule}}: top {{hits}} over {{threshold}} for {{group}}: {{top}}',
  composite: '{{rule}}: score {{value}} for {{group}}',
  event_count: '{{rule}}: {{value}} firing for {{group}}',
};

export function severityOf(rule: Rule, value: number | null): Severity {
  const s = rule.severity ?? 'WARN';
  if (typeof s === 'string') return s;
  let out: Severity = 'WARN';
  for (const b of s) if (value !== null && compare(value, b.op, b.value)) out = b.severity;
  return out;
}

/** The template variables: group fields, the figures of the evaluation, and the lifecycle counters. */
export function templateVars(rule: Rule, change: EventChange, window: { from: number; to: number }) {
  const g = change.group;
  const fields: Record<string, FieldValue> = g?.fields ?? {};
  const group = Object.entries(fields)
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join(' ');
  // Fields of the first evidence row (e.g. dst_name when grouped by dst), then the group's own.
  const vars: Record<string, FieldValue | FieldValue[]> = {
    ...(g?.evidence[0]?.fields ?? {}),
    ...fields,
    ...(g?.detail ?? {}),
    rule: rule.id,
    group: group || '(all)',
    value: change.state.value ?? change.state.peak,
    peak: change.state.peak,
    windows: change.state.windows,
    flaps: change.state.flaps,
    window_from: new Date(window.from).toISOString(),
    window_to: new Date(window.to).toISOString(),
  };
  return vars;
}

export function eventText(rule: Rule, change: EventChange, window: { from: number; to: number }): EventText {
  const vars = templateVars(rule, change, window);
  return {
    severity: severityOf(rule, change.state.value ?? change.state.peak),
    kind: rule.event_kind ?? 'anomaly',
    title: render(rule.title ?? DEFAULT_TITLE[rule.kind], vars),
    summary: render(rule.summary ?? rule.description ?? '', vars),
    labels: {
      rule: rule.id,
      rule_kind: rule.kind,
      ...('table' in rule ? { table: rule.table } : {}),
      group: change.group?.fields ?? {},
      detail: change.group?.detail ?? {},
    },
  };
}
