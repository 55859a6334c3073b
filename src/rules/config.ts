/**
 * The `rules:` section of the configuration (the seed's metric, composite and alert rules, applied to
 * our summary windows). Each rule is validated on its own so that one broken rule is reported with its
 * path (`rules[3].when.op: ...`) and the others still load (see parseRules).
 *
 * ```yaml
 * rules:
 *   - id: edge-p95
 *     table: service_call_5m
 *     where: [{ field: dst_type, op: in, value: [database, external] }]
 *     group_by: [src, dst]
 *     kind: threshold
 *     value: { agg: p95 }
 *     when: { op: '>=', value: 500 }
 *     guard: [{ agg: sum, field: calls, op: '>=', value: 20 }]
 *     title: '{{dst_name}}: p95 {{value}} ms from {{src_name}}'
 * ```
 */
import { z } from 'zod';
import { isDuration, parseDuration } from '../core/duration.js';
import { zodProblems } from '../config/load.js';
import { TABLE_BUCKET, TABLES, type RuleTable } from './fields.js';
import { parseFormula, type Formula } from './formula.js';

const MINUTE = 60_000;

const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration such as 5m, 1h or 7d' })
  .transform((s) => parseDuration(s));

const fieldName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.\-/]*$/, 'must be a field name (letters, digits, _ . - /)');

const scalar = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);

/** `HH:MM[:SS]-HH:MM[:SS]`: a time-of-day range, inclusive of both ends (the seed's 20:00:00-23:59:59). */
const TIME_RANGE_RE = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?-([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** The seed's alert-rule condition list (等于, 包含, 不包含, ≥, ≤, ≠, 时间范围内/外, 以…开始/结束). */
export const FILTER_OPS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gte',
  'lte',
  'gt',
  'lt',
  'starts_with',
  'not_starts_with',
  'ends_with',
  'not_ends_with',
  'time_in',
  'time_not_in',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

const filterSchema = z
  .strictObject({
    field: fieldName,
    op: z.enum(FILTER_OPS),
    value: z.union([scalar, z.array(scalar).min(1).max(1000)]),
    /** time_in / time_not_in: the IANA zone the ranges are read in (default UTC). */
    tz: z.string().min(1).max(64).optional(),
  })
  .superRefine((f, ctx) => {
    const list = Array.isArray(f.value);
    if ((f.op === 'in' || f.op === 'not_in') && !list) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} takes a list of values` });
    }
    if (f.op === 'time_in' || f.op === 'time_not_in') {
      const ranges = list ? (f.value as unknown[]) : [f.value];
      ranges.forEach((r, i) => {
        if (typeof r !== 'string' || !TIME_RANGE_RE.test(r)) {
          ctx.addIssue({
            code: 'custom',
            path: list ? ['value', i] : ['value'],
            message: 'must be a time-of-day range HH:MM[:SS]-HH:MM[:SS]',
          });
        }
      });
      if (f.tz !== undefined && !validZone(f.tz)) {
        ctx.addIssue({ code: 'custom', path: ['tz'], message: `unknown time zone '${f.tz}'` });
      }
    } else if (f.tz !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tz'], message: 'only time_in / time_not_in take a tz' });
    }
    if (['gte', 'lte', 'gt', 'lt'].includes(f.op) && typeof f.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} compares with a number` });
    }
    if (
      ['starts_with', 'not_starts_with', 'ends_with', 'not_ends_with'].includes(f.op) &&
      typeof f.value !== 'string'
    ) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} takes a string` });
    }
  });

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const AGGS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'distinct',
  'ratio',
  'quantile',
  'p50',
  'p95',
  'p99',
] as const;

const valueSchema = z
  .strictObject({
    agg: z.enum(AGGS),
    field: fieldName.optional(),
    /** ratio: sum(num) / sum(den). */
    num: fieldName.optional(),
    den: fieldName.optional(),
    /** quantile: which one, in (0, 1). */
    q: z.number().gt(0).lt(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (['sum', 'avg', 'min', 'max', 'distinct'].includes(v.agg) && v.field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: `${v.agg} needs a field` });
    }
    if (v.agg === 'ratio' && (v.num === undefined || v.den === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.num === undefined ? 'num' : 'den'], message: 'ratio needs num and den' });
    }
    if (v.agg === 'quantile' && v.q === undefined) {
      ctx.addIssue({ code: 'custom', path: ['q'], message: 'quantile needs q' });
    }
  });
export type ValueSpec = z.output<typeof valueSchema>;

export const COMPARE_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
const compareSchema = z.strictObject({ op: z.enum(COMPARE_OPS), value: z.number().finite() });

const guardSchema = valueSchema.and(compareSchema);

const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
const template = z.string().max(2000);

/** A fixed severity, or bands over the value (the last matching band wins, as in the seed's scoring). */
const severitySchema = z.union([
  z.enum(SEVERITIES),
  z
    .array(z.strictObject({ op: z.enum(COMPARE_OPS), value: z.number().finite(), severity: z.enum(SEVERITIES) }))
    .min(1)
    .max(20),
]);

const common = {
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be lower-case letters, digits, _ . - (it names the rule in events)'),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  /** Only these tenants (codes); every tenant when omitted. */
  tenants: z.array(z.string().min(1).max(64)).max(1000).optional(),
  /** Windows the condition must hold before an event opens. */
  for: z.number().int().min(1).max(1000).optional(),
  /** Windows the condition must be false before the event resolves. */
  resolve_after: z.number().int().min(1).max(1000).optional(),
  /** A re-fire within this many evaluations of the resolution reopens the same event (flapping). */
  reopen_within: z.number().int().min(0).max(1000).optional(),
  severity: severitySchema.optional(),
  /** event_envelope.kind. */
  event_kind: z.string().min(1).max(64).optional(),
  title: template.optional(),
  summary: template.optional(),
  /** The group field whose resource the event is about (default: dst for calls, resource otherwise). */
  resource_field: fieldName.optional(),
};

const tableRule = {
  table: z.enum(TABLES),
  where: z.array(filterSchema).max(50).optional(),
  group_by: z.array(fieldName).max(10).optional(),
  value: valueSchema,
  /** How far back the value is computed, ending at the window's end (default: one bucket of the table). */
  range: duration.optional(),
  /** Conditions over the group that must also hold (e.g. enough calls for a ratio to mean something). */
  guard: z.array(guardSchema).max(10).optional(),
};

const thresholdRule = z.strictObject({
  ...common,
  ...tableRule,
  kind: z.literal('threshold'),
  when: compareSchema,
});

const baselineRule = z.strictObject({
  ...common,
  ...tableRule,
  kind: z.literal('baseline'),
  baseline: z
    .strictObject({
      /** The previous N evaluations (动态基线)... */
      windows: z.number().int().min(1).max(288).optional(),
      /** ...or the same time that long ago (同环比: 1d = yesterday, 7d = last week). */
      offsets: z.array(duration).min(1).max(8).optional(),
      method: z.enum(['median', 'mean', 'max']).optional(),
      /** History points (non-empty) needed before the rule may fire. */
      min_history: z.number().int().min(1).max(288).optional(),
    })
    .refine((b) => (b.windows === undefined) !== (b.offsets === undefined), {
      message: 'give exactly one of windows or offsets',
    }),
  /** Fires when value op baseline × factor (and |value − baseline| ≥ min_delta). */
  when: z.strictObject({
    op: z.enum(['>', '>=', '<', '<=']),
    factor: z.number().finite().positive(),
    min_delta: z.number().finite().min(0).optional(),
  }),
});

const newPatternRule = z.strictObject({
  ...common,
  table: z.literal('log_pattern_5m'),
  kind: z.literal('new_pattern'),
  where: z.array(filterSchema).max(50).optional(),
  /** How far back a fingerprint counts as seen before for the resource. */
  history: duration.optional(),
  /** Only patterns with errors in the window. */
  errors_only: z.boolean().optional(),
  /** The pattern must appear at least this many times in the window. */
  min_count: z.number().int().min(1).optional(),
});

const burstRule = z.strictObject({
  ...common,
  table: z.literal('log_pattern_5m'),
  kind: z.literal('pattern_burst'),
  where: z.array(filterSchema).max(50).optional(),
  /** Count errors only (count_error) instead of all lines (count_total). */
  errors_only: z.boolean().optional(),
  windows: z.number().int().min(1).max(288).optional(),
  min_history: z.number().int().min(1).max(288).optional(),
  factor: z.number().finite().positive(),
  min_count: z.number().int().min(1).optional(),
});

const topnRule = z.strictObject({
  ...common,
  ...tableRule,
  kind: z.literal('topn'),
  /** The members ranked inside each group (e.g. dst, within group_by [src]). */
  rank_by: z.array(fieldName).min(1).max(5),
  n: z.number().int().min(1).max(100),
  order: z.enum(['desc', 'asc']).optional(),
  /** A member counts when its value satisfies this; the group fires when any of its top N does. */
  when: compareSchema,
});

const compositeRule = z.strictObject({
  ...common,
  kind: z.literal('composite'),
  /** Alias (A1, B2...) → the rule whose value it stands for, with optional scoring bands (打分规则). */
  inputs: z
    .record(
      z.string().regex(/^[A-Z][A-Z0-9]*$/, 'must be an alias such as A1'),
      z.strictObject({
        rule: z.string().min(1).max(64),
        /** Value → score; bands are applied in order, the last matching one wins. */
        score: z
          .array(z.strictObject({ op: z.enum(COMPARE_OPS), value: z.number().finite(), score: z.number().finite() }))
          .max(50)
          .optional(),
        /** The score when this input has no value for the group (default: the group is skipped). */
        missing: z.number().finite().optional(),
      }),
    )
    .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 20, { message: 'needs 1 to 20 inputs' }),
  /** Arithmetic over the aliases: A1*0.2+B1*0.3+C1*0.5. */
  formula: z.string().min(1).max(1000),
  when: compareSchema,
});

const eventCountRule = z.strictObject({
  ...common,
  kind: z.literal('event_count'),
  /** Rules whose firing groups are counted (in this window). */
  rules: z.array(z.string().min(1).max(64)).min(1).max(50),
  /** Group fields of those rules the count is grouped by (e.g. src_namespace); one group when empty. */
  group_by: z.array(fieldName).max(5).optional(),
  /** Count distinct values of this field instead of firing groups (one service firing twice counts once). */
  distinct: fieldName.optional(),
  when: compareSchema,
});

export const ruleSchema = z.discriminatedUnion('kind', [
  thresholdRule,
  baselineRule,
  newPatternRule,
  burstRule,
  topnRule,
  compositeRule,
  eventCountRule,
]);

type RawRule = z.output<typeof ruleSchema>;

/** Lifecycle settings every rule ends up with. */
export interface Lifecycle {
  for: number;
  resolveAfter: number;
  reopenWithin: number;
}

/** A validated rule with its defaults resolved and what the engine derives from it. */
export type Rule = RawRule & {
  /** Evaluation period in ms: the bucket of its table (composite/event_count: the longest input's). */
  every: number;
  lifecycle: Lifecycle;
  /** composite: the parsed formula. */
  formula_ast?: Formula;
};

export interface RuleSet {
  rules: Rule[];
  /** Rules that failed validation, each with its path; they are left out, the others run. */
  problems: string[];
  /**
   * Ids of rules in the config that were left out for a problem: their open events stay open (a typo
   * in a reload must not resolve them), unlike the events of a rule removed from the config.
   */
  held?: string[];
}

/**
 * Validates every rule on its own, then checks references between rules (composite inputs,
 * event_count sources, duplicate ids, cycles). A broken rule is reported with its path and dropped,
 * rules that depend on it too; the rest are returned in evaluation order (inputs first).
 */
export function parseRules(raw: unknown, where = 'rules'): RuleSet {
  const set = parseRuleList(raw, where);
  const ids = Array.isArray(raw)
    ? raw.map((e: unknown) => (e !== null && typeof e === 'object' ? (e as { id?: unknown }).id : undefined))
    : [];
  const loaded = new Set(set.rules.map((r) => r.id));
  const held = [...new Set(ids.filter((id): id is string => typeof id === 'string' && !loaded.has(id)))];
  return held.length > 0 ? { ...set, held } : set;
}

function parseRuleList(raw: unknown, where: string): RuleSet {
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { rules: [], problems };
  if (!Array.isArray(raw)) return { rules: [], problems: [`${where}: must be a list of rules`] };
  const byId = new Map<string, { rule: Rule; index: number }>();
  raw.forEach((entry, i) => {
    const path = `${where}[${i}]`;
    const r = ruleSchema.safeParse(entry);
    if (!r.success) {
      problems.push(...zodProblems(r.error, path));
      return;
    }
    const rule = withDefaults(r.data);
    if (rule.kind === 'composite') {
      try {
        rule.formula_ast = parseFormula(rule.formula, Object.keys(rule.inputs));
      } catch (e) {
        problems.push(`${path}.formula: ${(e as Error).message}`);
        return;
      }
    }
    if (byId.has(rule.id)) {
      problems.push(`${path}.id: duplicate rule id '${rule.id}' (also ${where}[${byId.get(rule.id)!.index}])`);
      return;
    }
    byId.set(rule.id, { rule, index: i });
  });
  // References: a rule whose inputs are missing (or broken) is dropped too, with its path.
  const deps = (r: Rule): string[] =>
    r.kind === 'composite' ? Object.values(r.inputs).map((x) => x.rule) : r.kind === 'event_count' ? r.rules : [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, { rule, index }] of byId) {
      const missing = deps(rule).filter((d) => !byId.has(d));
      if (missing.length > 0) {
        problems.push(`${where}[${index}]: refers to unknown or broken rule(s) ${missing.join(', ')}`);
        byId.delete(id);
        changed = true;
      }
    }
  }
  const order: Rule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, chain: string[]): boolean => {
    const s = state.get(id);
    if (s === 'done') return true;
    if (s === 'visiting') {
      problems.push(`${where}: rules form a cycle: ${[...chain, id].join(' -> ')}`);
      return false;
    }
    state.set(id, 'visiting');
    const { rule } = byId.get(id)!;
    for (const d of deps(rule)) if (!visit(d, [...chain, id])) return false;
    state.set(id, 'done');
    order.push(rule);
    return true;
  };
  for (const id of [...byId.keys()]) if (!visit(id, [])) break;
  if (order.length !== byId.size) return { rules: [], problems };
  for (const r of order) {
    if (r.kind === 'composite' || r.kind === 'event_count') {
      r.every = Math.max(...deps(r).map((d) => byId.get(d)!.rule.every));
    }
  }
  return { rules: order, problems };
}

function withDefaults(r: RawRule): Rule {
  const every = 'table' in r ? TABLE_BUCKET[r.table as RuleTable] : MINUTE;
  return {
    ...r,
    every,
    lifecycle: { for: r.for ?? 1, resolveAfter: r.resolve_after ?? 2, reopenWithin: r.reopen_within ?? 3 },
  };
}
