/**
 * Pure rule evaluation for one rules window: the summary rows a window needs in, each rule's value per
 * group and which groups fire out. No I/O: the job reads the rows (src/rules/store/read.ts) for the
 * ranges `rowRanges` asks for, then calls `evaluateRules`.
 *
 * A rule is evaluated in the window whose end is a multiple of its table's bucket (`every`), over
 * buckets that lie entirely before that end: a 1-minute rules window never sees half of a 5-minute
 * bucket, so what it reads is final once the summary jobs it is `after` have succeeded.
 */
import type { Window } from '../core/window.js';
import type { Rule } from './config.js';
import { defaultResourceField, type FieldValue, type RuleTable, type SummaryRow } from './fields.js';
import { compileWhere } from './filter.js';
import { evalFormula } from './formula.js';
import { aggregate, compare, median } from './values.js';

const FIVE_MIN = 5 * 60_000;
/** Evidence rows kept per group and window (the largest contributors). */
export const MAX_EVIDENCE_ROWS = 20;

export interface RowRange {
  table: RuleTable;
  from: number;
  to: number;
}

/** Rows of a table whose buckets start in [from, to); the data behind one window's evaluation. */
export interface RowSource {
  rows(table: RuleTable, from: number, to: number): readonly SummaryRow[];
  /** new_pattern: `resourceId|fingerprintId` pairs seen in [from, to) (rows of log_pattern_5m). */
  seen(from: number, to: number): ReadonlySet<string>;
  /**
   * A baseline rule's history computed by the store (store/baseline.ts) per group key; undefined
   * when the rule's history rows are in `rows` instead.
   */
  history?(ruleId: string): ReadonlyMap<string, BaselineHistory> | undefined;
}

/** A group's baseline over its history points, and how many points had a value. */
export interface BaselineHistory {
  base: number | null;
  points: number;
}

export interface GroupEval {
  key: string;
  /** The group_by fields and their values. */
  fields: Record<string, FieldValue>;
  value: number | null;
  firing: boolean;
  /** Kind-specific figures (baseline, history, threshold, top members...), for templates and labels. */
  detail: Record<string, FieldValue | FieldValue[]>;
  /** The rows that made the group fire (or, when it does not, none). */
  evidence: SummaryRow[];
  resourceId: number | null;
}

export interface RuleEval {
  rule: Rule;
  /** False when this window is not one of the rule's evaluation points (its state carries over). */
  evaluated: boolean;
  groups: Map<string, GroupEval>;
  /** Evaluation failed: reported, the rule's state carries over, the other rules still run. */
  error?: string;
  ms: number;
}

/** Whether the rules window `w` is an evaluation point of `rule` (its end on the rule's period). */
export function evaluatesAt(rule: Rule, w: Window): boolean {
  return w.to % rule.every === 0;
}

/**
 * The rows `rule` reads when evaluated at the end `t` of a rules window. A baseline rule whose
 * history the store computes (`historyInDb`) reads only its current span.
 */
export function rangesOf(rule: Rule, t: number, historyInDb = false): RowRange[] {
  switch (rule.kind) {
    case 'threshold':
    case 'topn':
      return [{ table: rule.table, from: t - (rule.range ?? rule.every), to: t }];
    case 'baseline': {
      const range = rule.range ?? rule.every;
      if (historyInDb) return [{ table: rule.table, from: t - range, to: t }];
      if (rule.baseline.windows !== undefined) {
        return [{ table: rule.table, from: t - rule.baseline.windows * rule.every - range, to: t }];
      }
      return [
        { table: rule.table, from: t - range, to: t },
        ...rule.baseline.offsets!.map((off) => ({ table: rule.table, from: t - off - range, to: t - off })),
      ];
    }
    case 'new_pattern':
      return [{ table: 'log_pattern_5m', from: t - FIVE_MIN, to: t }];
    case 'pattern_burst':
      return [{ table: 'log_pattern_5m', from: t - ((rule.windows ?? 12) + 1) * FIVE_MIN, to: t }];
    default:
      return [];
  }
}

/** Everything the evaluated rules of window `w` read: table ranges, and new_pattern history spans. */
export function rowRanges(
  rules: readonly Rule[],
  w: Window,
  /** Baseline rules whose history the store computes (their history rows are not read). */
  historyInDb: ReadonlySet<string> = new Set(),
): { ranges: RowRange[]; seen: { from: number; to: number }[] } {
  const ranges: RowRange[] = [];
  const seen: { from: number; to: number }[] = [];
  for (const r of rules) {
    if (!evaluatesAt(r, w)) continue;
    ranges.push(...rangesOf(r, w.to, historyInDb.has(r.id)));
    if (r.kind === 'new_pattern')
      seen.push({ from: w.to - FIVE_MIN - (r.history ?? 7 * 86_400_000), to: w.to - FIVE_MIN });
  }
  return { ranges, seen };
}

function groupKey(fields: readonly string[], row: SummaryRow): string {
  return JSON.stringify(fields.map((f) => row.fields[f] ?? null));
}

function groupRows(fields: readonly string[], rows: readonly SummaryRow[]): Map<string, SummaryRow[]> {
  const out = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const k = groupKey(fields, r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function keyFields(fields: readonly string[], row: SummaryRow | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) out[f] = row?.fields[f] ?? null;
  return out;
}

function resourceIdOf(rule: Rule, table: RuleTable, rows: readonly SummaryRow[]): number | null {
  const field = rule.resource_field ?? defaultResourceField(table);
  const ids = new Set(rows.map((r) => r.resourceIds[field]).filter((x): x is number => x !== undefined));
  return ids.size === 1 ? [...ids][0]! : null;
}

/** The rows that explain a firing group: the largest contributors to the value first. */
function evidenceRows(rows: readonly SummaryRow[], sortField: string | undefined): SummaryRow[] {
  if (rows.length <= MAX_EVIDENCE_ROWS) return [...rows];
  const v = (r: SummaryRow) => (sortField ? Number(r.fields[sortField] ?? 0) || 0 : 0);
  return [...rows].sort((a, b) => v(b) - v(a) || a.bucket - b.bucket).slice(0, MAX_EVIDENCE_ROWS);
}

function sortFieldOf(rule: Rule): string | undefined {
  if (!('value' in rule)) return undefined;
  const v = rule.value;
  if (v.field) return v.field;
  if (v.num) return v.num;
  if (rule.table === 'service_call_5m') return 'p95_ms';
  if (rule.table === 'metric_1m') return 'max';
  return 'count_total';
}

type TableRule = Extract<Rule, { table: RuleTable }>;

function filtered(rule: TableRule, src: RowSource, from: number, to: number): SummaryRow[] {
  const where = compileWhere(rule.where);
  return src.rows(rule.table, from, to).filter(where);
}

function guardsHold(rule: Rule, rows: readonly SummaryRow[]): boolean {
  if (!('guard' in rule) || !rule.guard) return true;
  return rule.guard.every((g) => {
    const v = aggregate(g, rows);
    return v !== null && compare(v, g.op, g.value);
  });
}

function inRange(rows: readonly SummaryRow[], from: number, to: number): SummaryRow[] {
  return rows.filter((r) => r.bucket >= from && r.bucket < to);
}

function evalThreshold(rule: Extract<Rule, { kind: 'threshold' }>, w: Window, src: RowSource): Map<string, GroupEval> {
  const t = w.to;
  const rows = filtered(rule, src, t - (rule.range ?? rule.every), t);
  const fields = rule.group_by ?? [];
  const out = new Map<string, GroupEval>();
  for (const [key, list] of groupRows(fields, rows)) {
    const value = aggregate(rule.value, list);
    const firing = value !== null && compare(value, rule.when.op, rule.when.value) && guardsHold(rule, list);
    out.set(key, {
      key,
      fields: keyFields(fields, list[0]),
      value,
      firing,
      detail: { threshold: rule.when.value, rows: list.length },
      evidence: firing ? evidenceRows(list, sortFieldOf(rule)) : [],
      resourceId: resourceIdOf(rule, rule.table, list),
    });
  }
  return out;
}

/** A baseline rule's history points at `t`: the N previous evaluations, or the same range `offset` ago. */
export function historyPoints(rule: Extract<Rule, { kind: 'baseline' }>, t: number): { from: number; to: number }[] {
  const range = rule.range ?? rule.every;
  const b = rule.baseline;
  return b.windows !== undefined
    ? Array.from({ length: b.windows }, (_, i) => ({
        from: t - (i + 1) * rule.every - range,
        to: t - (i + 1) * rule.every,
      }))
    : b.offsets!.map((off) => ({ from: t - off - range, to: t - off }));
}

/** The baseline of a group from its rows in memory (store/baseline.ts computes the same in SQL). */
function historyOf(
  rule: Extract<Rule, { kind: 'baseline' }>,
  points: readonly { from: number; to: number }[],
  list: readonly SummaryRow[],
): BaselineHistory {
  const history: number[] = [];
  for (const p of points) {
    const h = inRange(list, p.from, p.to);
    if (h.length === 0) continue;
    const v = aggregate(rule.value, h);
    if (v !== null) history.push(v);
  }
  const method = rule.baseline.method ?? 'median';
  const base =
    history.length === 0
      ? null
      : method === 'median'
        ? median(history)
        : method === 'max'
          ? Math.max(...history)
          : history.reduce((a, x) => a + x, 0) / history.length;
  return { base, points: history.length };
}

function evalBaseline(rule: Extract<Rule, { kind: 'baseline' }>, w: Window, src: RowSource): Map<string, GroupEval> {
  const t = w.to;
  const range = rule.range ?? rule.every;
  const fields = rule.group_by ?? [];
  const points = historyPoints(rule, t);
  const stored = src.history?.(rule.id);
  const lo = stored ? t - range : Math.min(t - range, ...points.map((p) => p.from));
  const all = filtered(rule, src, lo, t);
  const minHistory = rule.baseline.min_history ?? Math.max(1, Math.ceil(points.length / 2));
  const out = new Map<string, GroupEval>();
  for (const [key, list] of groupRows(fields, all)) {
    const current = inRange(list, t - range, t);
    if (current.length === 0) continue;
    const value = aggregate(rule.value, current);
    const { base, points: history } = stored
      ? (stored.get(key) ?? { base: null, points: 0 })
      : historyOf(rule, points, list);
    const firing =
      value !== null &&
      base !== null &&
      history >= minHistory &&
      compare(value, rule.when.op, base * rule.when.factor) &&
      Math.abs(value - base) >= (rule.when.min_delta ?? 0) &&
      guardsHold(rule, current);
    out.set(key, {
      key,
      fields: keyFields(fields, current[0]),
      value,
      firing,
      detail: {
        baseline: base,
        ratio: value !== null && base !== null && base !== 0 ? value / base : null,
        history,
        factor: rule.when.factor,
      },
      evidence: firing ? evidenceRows(current, sortFieldOf(rule)) : [],
      resourceId: resourceIdOf(rule, rule.table, current),
    });
  }
  return out;
}

const PATTERN_GROUP = ['resource', 'fingerprint'] as const;

function evalNewPattern(
  rule: Extract<Rule, { kind: 'new_pattern' }>,
  w: Window,
  src: RowSource,
): Map<string, GroupEval> {
  const t = w.to;
  const where = compileWhere(rule.where);
  const rows = src.rows('log_pattern_5m', t - FIVE_MIN, t).filter(where);
  const seen = src.seen(t - FIVE_MIN - (rule.history ?? 7 * 86_400_000), t - FIVE_MIN);
  const out = new Map<string, GroupEval>();
  for (const [key, list] of groupRows(PATTERN_GROUP, rows)) {
    const r = list[0]!;
    const count = list.reduce((a, x) => a + Number(x.fields[rule.errors_only ? 'count_error' : 'count_total'] ?? 0), 0);
    const isNew = !seen.has(`${r.resourceIds.resource}|${r.resourceIds.fingerprint}`);
    const firing = isNew && count >= (rule.min_count ?? 1) && (!rule.errors_only || count > 0);
    out.set(key, {
      key,
      fields: {
        ...keyFields(PATTERN_GROUP, r),
        pattern: r.fields.pattern ?? null,
        resource_name: r.fields.resource_name ?? null,
      },
      value: count,
      firing,
      detail: { new: isNew, pattern: r.fields.pattern ?? null },
      evidence: firing ? list : [],
      resourceId: r.resourceIds.resource ?? null,
    });
  }
  return out;
}

function evalBurst(rule: Extract<Rule, { kind: 'pattern_burst' }>, w: Window, src: RowSource): Map<string, GroupEval> {
  const t = w.to;
  const n = rule.windows ?? 12;
  const where = compileWhere(rule.where);
  const field = rule.errors_only ? 'count_error' : 'count_total';
  const all = src.rows('log_pattern_5m', t - (n + 1) * FIVE_MIN, t).filter(where);
  const out = new Map<string, GroupEval>();
  for (const [key, list] of groupRows(PATTERN_GROUP, all)) {
    const current = inRange(list, t - FIVE_MIN, t);
    if (current.length === 0) continue;
    const count = current.reduce((a, x) => a + Number(x.fields[field] ?? 0), 0);
    // A bucket without the pattern counted 0 times: every history point exists once the rule has run
    // that long, so a pattern that was rare has a low baseline rather than none.
    const history: number[] = [];
    for (let i = 1; i <= n; i++) {
      const h = inRange(list, t - (i + 1) * FIVE_MIN, t - i * FIVE_MIN);
      history.push(h.reduce((a, x) => a + Number(x.fields[field] ?? 0), 0));
    }
    const seenPoints = history.filter((x) => x > 0).length;
    const base = median(history);
    const firing =
      count >= (rule.min_count ?? 1) &&
      seenPoints >= (rule.min_history ?? 1) &&
      count >= Math.max(base, 1) * rule.factor;
    out.set(key, {
      key,
      fields: { ...keyFields(PATTERN_GROUP, current[0]), pattern: current[0]!.fields.pattern ?? null },
      value: count,
      firing,
      detail: { baseline: base, history: seenPoints, factor: rule.factor, pattern: current[0]!.fields.pattern ?? null },
      evidence: firing ? current : [],
      resourceId: current[0]!.resourceIds.resource ?? null,
    });
  }
  return out;
}

function evalTopN(rule: Extract<Rule, { kind: 'topn' }>, w: Window, src: RowSource): Map<string, GroupEval> {
  const t = w.to;
  const rows = filtered(rule, src, t - (rule.range ?? rule.every), t);
  const fields = rule.group_by ?? [];
  const out = new Map<string, GroupEval>();
  for (const [key, list] of groupRows(fields, rows)) {
    const members: { name: string; value: number; rows: SummaryRow[] }[] = [];
    for (const [, mrows] of groupRows(rule.rank_by, list)) {
      if (!guardsHold(rule, mrows)) continue;
      const v = aggregate(rule.value, mrows);
      if (v === null) continue;
      members.push({
        name: rule.rank_by.map((f) => String(mrows[0]!.fields[f] ?? '')).join('/'),
        value: v,
        rows: mrows,
      });
    }
    const dir = rule.order === 'asc' ? 1 : -1;
    members.sort((a, b) => dir * (a.value - b.value) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const top = members.slice(0, rule.n);
    const hits = top.filter((m) => compare(m.value, rule.when.op, rule.when.value));
    const firing = hits.length > 0;
    out.set(key, {
      key,
      fields: keyFields(fields, list[0]),
      value: top[0]?.value ?? null,
      firing,
      detail: {
        top: top.map((m) => m.name),
        top_values: top.map((m) => m.value),
        hits: hits.length,
        threshold: rule.when.value,
      },
      evidence: firing ? hits.flatMap((m) => evidenceRows(m.rows, sortFieldOf(rule))).slice(0, MAX_EVIDENCE_ROWS) : [],
      resourceId: resourceIdOf(rule, rule.table, list),
    });
  }
  return out;
}

function score(
  v: number,
  bands: readonly { op: Parameters<typeof compare>[1]; value: number; score: number }[] | undefined,
): number {
  if (!bands || bands.length === 0) return v;
  let s: number | undefined;
  // The seed: all bands are applied in order, the last one that matches gives the score.
  for (const b of bands) if (compare(v, b.op, b.value)) s = b.score;
  return s ?? 0;
}

function evalComposite(
  rule: Extract<Rule, { kind: 'composite' }>,
  done: ReadonlyMap<string, RuleEval>,
): Map<string, GroupEval> {
  const inputs = Object.entries(rule.inputs);
  const keys = new Set<string>();
  for (const [, inp] of inputs) for (const k of done.get(inp.rule)?.groups.keys() ?? []) keys.add(k);
  const out = new Map<string, GroupEval>();
  for (const key of [...keys].sort()) {
    const env = new Map<string, number>();
    const detail: Record<string, FieldValue> = {};
    let fields: Record<string, FieldValue> = {};
    const evidence: SummaryRow[] = [];
    let resourceId: number | null = null;
    let skip = false;
    for (const [alias, inp] of inputs) {
      const g = done.get(inp.rule)?.groups.get(key);
      if (!g || g.value === null) {
        if (inp.missing === undefined) {
          skip = true;
          break;
        }
        env.set(alias, inp.missing);
        detail[alias] = inp.missing;
        continue;
      }
      fields = { ...g.fields, ...fields };
      resourceId ??= g.resourceId;
      const s = score(g.value, inp.score);
      env.set(alias, s);
      detail[alias] = s;
      detail[`${alias}_value`] = g.value;
      evidence.push(...(g.evidence.length > 0 ? g.evidence : []));
    }
    if (skip) continue;
    const value = evalFormula(rule.formula_ast!, env);
    const firing = value !== null && compare(value, rule.when.op, rule.when.value);
    out.set(key, {
      key,
      fields,
      value,
      firing,
      detail,
      evidence: firing ? evidence.slice(0, MAX_EVIDENCE_ROWS) : [],
      resourceId,
    });
  }
  return out;
}

function evalEventCount(
  rule: Extract<Rule, { kind: 'event_count' }>,
  done: ReadonlyMap<string, RuleEval>,
): Map<string, GroupEval> {
  const fields = rule.group_by ?? [];
  const groups = new Map<
    string,
    { fields: Record<string, FieldValue>; members: Set<string>; evidence: SummaryRow[] }
  >();
  for (const id of rule.rules) {
    for (const g of done.get(id)?.groups.values() ?? []) {
      if (!g.firing) continue;
      const kf: Record<string, FieldValue> = {};
      for (const f of fields) kf[f] = g.fields[f] ?? g.evidence[0]?.fields[f] ?? null;
      const key = JSON.stringify(fields.map((f) => kf[f]));
      let e = groups.get(key);
      if (!e) groups.set(key, (e = { fields: kf, members: new Set(), evidence: [] }));
      const member = rule.distinct
        ? String(g.fields[rule.distinct] ?? g.evidence[0]?.fields[rule.distinct] ?? g.key)
        : `${id}\u0000${g.key}`;
      e.members.add(member);
      e.evidence.push(...g.evidence.slice(0, 3));
    }
  }
  const out = new Map<string, GroupEval>();
  for (const [key, e] of groups) {
    const value = e.members.size;
    const firing = compare(value, rule.when.op, rule.when.value);
    out.set(key, {
      key,
      fields: e.fields,
      value,
      firing,
      detail: { members: [...e.members].sort().slice(0, 50) },
      evidence: firing ? e.evidence.slice(0, MAX_EVIDENCE_ROWS) : [],
      resourceId: null,
    });
  }
  return out;
}

/**
 * Evaluates `rules` (in the order parseRules gives: inputs before the composites that read them) for
 * window `w`. A rule that throws is reported in its RuleEval and does not stop the others; a
 * composite over it sees no values for it.
 */
export function evaluateRules(
  rules: readonly Rule[],
  w: Window,
  src: RowSource,
  now: () => number = () => 0,
): RuleEval[] {
  const done = new Map<string, RuleEval>();
  const out: RuleEval[] = [];
  for (const rule of rules) {
    const t0 = now();
    const ev: RuleEval = { rule, evaluated: evaluatesAt(rule, w), groups: new Map(), ms: 0 };
    if (ev.evaluated) {
      try {
        switch (rule.kind) {
          case 'threshold':
            ev.groups = evalThreshold(rule, w, src);
            break;
          case 'baseline':
            ev.groups = evalBaseline(rule, w, src);
            break;
          case 'new_pattern':
            ev.groups = evalNewPattern(rule, w, src);
            break;
          case 'pattern_burst':
            ev.groups = evalBurst(rule, w, src);
            break;
          case 'topn':
            ev.groups = evalTopN(rule, w, src);
            break;
          case 'composite':
            ev.groups = evalComposite(rule, done);
            break;
          case 'event_count':
            ev.groups = evalEventCount(rule, done);
            break;
        }
      } catch (e) {
        ev.groups = new Map();
        ev.error = e instanceof Error ? e.message : String(e);
      }
    }
    ev.ms = now() - t0;
    done.set(rule.id, ev);
    out.push(ev);
  }
  return out;
}
