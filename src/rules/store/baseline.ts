/**
 * Baseline history in SQL: instead of reading every row of a baseline rule's history into Node (the
 * bulk of a rules window: 5 × 10,000 metric rows for a 5-point baseline), one statement per rule
 * returns each group's baseline and number of history points (baseline-history.sql). Only rules whose
 * value, filter and grouping have an exact SQL counterpart are pushed down; the others keep reading
 * their history rows (evaluate.ts computes both the same way, and a test pins one against the other).
 */
import { iso, sqlFolder } from '../../db/sql-file.js';
import type { Queryable, SqlParam } from '../../db/types.js';
import type { Rule } from '../config.js';
import type { Window } from '../../core/window.js';
import { evaluatesAt, historyPoints, type BaselineHistory } from '../evaluate.js';
import { labelValue, type FieldValue, type RuleTable } from '../fields.js';

const sql = sqlFolder(new URL('./', import.meta.url));

type BaselineRule = Extract<Rule, { kind: 'baseline' }>;

interface TableSql {
  /** The table alone (t), when no key or filter needs a resource's other fields. */
  table: string;
  /** The table's bucket length (every bucket starts at a multiple of it). */
  step: string;
  from: string;
  /** The columns the points' values and order read (the rows carry nothing else, never a sketch). */
  cols: string;
  /** Dimension fields that are a resource's URN → that resource's id column: grouped by id first. */
  ids: Record<string, string>;
  /** The order rows are read in (read.ts): sums over a point add in this order, as in memory. */
  order: string;
  /** Dimension fields (constant per series) → SQL expression. */
  dims: Record<string, string>;
  /** Numeric fields → float8 expression. */
  nums: Record<string, string>;
  /** Stored quantiles (a group with one row per point uses its stored value, as values.ts does). */
  stored: Record<number, string>;
}

const ns = (a: string) => `coalesce(${a}.labels->>'k8s.namespace.name', ${a}.labels->>'service.namespace')`;

const TABLE_SQL: Partial<Record<RuleTable, TableSql>> = {
  metric_1m: {
    table: 'FROM metric_1m t',
    step: '1 minute',
    cols: 't.bucket, t.resource_id, t.metric, t.labels_hash, t.avg_val, t.max_val, t.min_val, t.p95_val, t.sum_val, t.count',
    ids: { resource: 't.resource_id' },
    from: 'FROM metric_1m t LEFT JOIN dim_resource r ON r.resource_id = t.resource_id AND r.tenant_id = t.tenant_id',
    order: 'x.bucket, x.resource_id, x.metric, x.labels_hash',
    dims: {
      resource: "coalesce(r.urn, '?')",
      resource_type: "coalesce(r.type, '?')",
      resource_name: "coalesce(r.name, '?')",
      namespace: ns('r'),
      metric: 't.metric',
    },
    nums: {
      avg: 'x.avg_val',
      max: 'x.max_val',
      min: 'x.min_val',
      p95: 'x.p95_val',
      sum: 'x.sum_val',
      count: 'x.count::float8',
    },
    stored: {},
  },
  service_call_5m: {
    table: 'FROM service_call_5m t',
    step: '5 minutes',
    cols: 't.bucket, t.src_resource_id, t.dst_resource_id, t.calls, t.errors, t.rps, t.err_rate, t.p50_ms, t.p95_ms',
    ids: { src: 't.src_resource_id', dst: 't.dst_resource_id' },
    from:
      'FROM service_call_5m t' +
      ' LEFT JOIN dim_resource s ON s.resource_id = t.src_resource_id AND s.tenant_id = t.tenant_id' +
      ' LEFT JOIN dim_resource d ON d.resource_id = t.dst_resource_id AND d.tenant_id = t.tenant_id',
    order: 'x.bucket, x.src_resource_id, x.dst_resource_id',
    dims: {
      src: "coalesce(s.urn, '?')",
      src_type: "coalesce(s.type, '?')",
      src_name: "coalesce(s.name, '?')",
      src_namespace: ns('s'),
      dst: "coalesce(d.urn, '?')",
      dst_type: "coalesce(d.type, '?')",
      dst_name: "coalesce(d.name, '?')",
      dst_namespace: ns('d'),
    },
    nums: {
      calls: 'x.calls::float8',
      errors: 'x.errors::float8',
      rps: 'x.rps',
      err_rate: 'x.err_rate',
      p50_ms: 'x.p50_ms',
      p95_ms: 'x.p95_ms',
    },
    stored: { 0.95: 'x.p95_ms', 0.5: 'x.p50_ms' },
  },
};

const LABEL = 'labels.';

/**
 * Whether `rule`'s history can be computed in SQL with the same result: a baseline over metric_1m or
 * service_call_5m, grouped by series fields (resources, metric, labels), filtered on text series
 * fields with string values (eq/ne/in/not_in/starts/ends), valued by count/sum/avg/min/max/ratio of
 * numeric fields, or by a stored quantile when each group has one row per point (an edge baseline by
 * (src, dst) over one bucket, whose history rows are read without sketches: see read.ts).
 */
export function historyInSql(rule: Rule): rule is BaselineRule {
  if (rule.kind !== 'baseline') return false;
  const t = TABLE_SQL[rule.table];
  if (!t) return false;
  const groupBy = rule.group_by ?? [];
  const labels = rule.table === 'metric_1m';
  if (!groupBy.every((f) => f in t.dims || (labels && f.startsWith(LABEL) && f.length > LABEL.length))) return false;
  for (const f of rule.where ?? []) {
    if (!(f.field in t.dims)) return false;
    if (!['eq', 'ne', 'in', 'not_in', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with'].includes(f.op))
      return false;
    if (!(Array.isArray(f.value) ? f.value : [f.value]).every((v) => typeof v === 'string')) return false;
  }
  return valueSql(rule, t) !== null;
}

/** The ids of the rules evaluated in window `w` whose history is computed in SQL. */
export function historyRules(rules: readonly Rule[], w: Window): Set<string> {
  return new Set(rules.filter((r) => evaluatesAt(r, w) && historyInSql(r)).map((r) => r.id));
}

function valueSql(rule: BaselineRule, t: TableSql): string | null {
  const v = rule.value;
  const fin = (e: string) => `${e} NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`;
  const ord = `ORDER BY ${t.order}`;
  switch (v.agg) {
    case 'count':
      return 'count(*)::float8';
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      const e = t.nums[v.field!];
      if (!e) return null;
      if (v.agg === 'min' || v.agg === 'max') return `${v.agg}(${e}) FILTER (WHERE ${fin(e)})`;
      const sum = `sum(${e} ${ord}) FILTER (WHERE ${fin(e)})`;
      return v.agg === 'sum' ? sum : `${sum} / nullif(count(${e}) FILTER (WHERE ${fin(e)}), 0)`;
    }
    case 'ratio': {
      const a = t.nums[v.num!];
      const b = t.nums[v.den!];
      if (!a || !b) return null;
      const part = (e: string) => `sum(CASE WHEN ${fin(e)} THEN ${e} ELSE 0 END ${ord})`;
      return `${part(a)} / nullif(${part(b)}, 0)`;
    }
    case 'p50':
    case 'p95': {
      const e = t.stored[v.agg === 'p50' ? 0.5 : 0.95];
      const range = rule.range ?? rule.every;
      const keyed = rule.table === 'service_call_5m' && range === rule.every;
      if (!e || !keyed || !['src', 'dst'].every((f) => rule.group_by?.includes(f))) return null;
      return `CASE WHEN count(*) = 1 THEN max(${e}) FILTER (WHERE ${fin(e)}) END`;
    }
    default:
      return null;
  }
}

/** The group key evaluate.ts gives a group (JSON of its group_by values). */
function keyOf(groupBy: readonly string[], row: Record<string, unknown>): string {
  const values: FieldValue[] = groupBy.map((f, i) => {
    const v = row[`k${i + 1}`];
    if (v === null || v === undefined) return null;
    // A label comes back as its JSON text (null when the series has no such label).
    return f.startsWith(LABEL) ? labelValue(JSON.parse(String(v))) : String(v);
  });
  return JSON.stringify(values);
}

/** The statement and parameters for one pushed-down baseline rule at window end `at`. */
export function historyQuery(rule: BaselineRule, tenantId: number, at: number): { text: string; params: SqlParam[] } {
  const t = TABLE_SQL[rule.table]!;
  const points = historyPoints(rule, at);
  const params: SqlParam[] = [
    tenantId,
    iso(Math.min(...points.map((p) => p.from))),
    iso(Math.max(...points.map((p) => p.to))),
    points.map((p) => iso(p.from)),
    points.map((p) => iso(p.to)),
    rule.baseline.method ?? 'median',
  ];
  const bind = (v: SqlParam, cast: string) => {
    params.push(v);
    return `$${params.length}::${cast}`;
  };
  const groupBy = rule.group_by ?? [];
  const keys = ['true AS g'];
  // A URN key (resource, src, dst) is grouped by the resource's id and resolved after aggregation: a
  // bigint is far cheaper to hash and sort than a URN, and only one row per group is joined. The same
  // groups: a summary row's resource is the tenant's (foreign key; the tenant's URNs are unique), so
  // id ↔ URN is one-to-one. Other resource fields (type, name, namespace) can be shared by several
  // resources: those are taken from the joined rows, as before.
  const out: string[] = ['g'];
  const joins: string[] = [];
  let joined = false;
  groupBy.forEach((f, i) => {
    const k = `k${i + 1}`;
    if (f.startsWith(LABEL)) {
      keys.push(`(t.labels -> ${bind(f.slice(LABEL.length), 'text')})::text AS ${k}`);
      out.push(k);
    } else if (f in t.ids) {
      keys.push(`${t.ids[f]} AS ${k}`);
      const r = `r${i + 1}`;
      joins.push(`LEFT JOIN dim_resource ${r} ON ${r}.resource_id = h.${k} AND ${r}.tenant_id = $1`);
      out.push(`coalesce(${r}.urn, '?') AS ${k}`);
    } else {
      keys.push(`${t.dims[f]!} AS ${k}`);
      out.push(k);
      if (!t.dims[f]!.startsWith('t.')) joined = true;
    }
  });
  const where = (rule.where ?? []).map((f) => {
    const e = t.dims[f.field]!;
    if (!e.startsWith('t.')) joined = true;
    const list = Array.isArray(f.value) ? f.value : [f.value];
    const one = String(list[0]);
    switch (f.op) {
      case 'eq':
        return `coalesce(${e} = ${bind(one, 'text')}, false)`;
      case 'ne':
        return `NOT coalesce(${e} = ${bind(one, 'text')}, false)`;
      case 'in':
        return `coalesce(${e} = ANY(${bind(list.map(String), 'text[]')}), false)`;
      case 'not_in':
        return `NOT coalesce(${e} = ANY(${bind(list.map(String), 'text[]')}), false)`;
      case 'starts_with':
      case 'not_starts_with': {
        const p = `(${e} IS NOT NULL AND starts_with(${e}, ${bind(one, 'text')}))`;
        return f.op === 'starts_with' ? p : `NOT ${p}`;
      }
      default: {
        const b = bind(one, 'text');
        const p = `(${e} IS NOT NULL AND right(${e}, length(${b})) = ${b})`;
        return f.op === 'ends_with' ? p : `NOT ${p}`;
      }
    }
  });
  const k = ['g', ...groupBy.map((_, i) => `k${i + 1}`)].join(', ');
  const text = sql('baseline-history.sql')
    .replace('/*KEYS*/', () => keys.join(', '))
    .replace('/*COLS*/', () => t.cols)
    .replace('/*FROM*/', () => (joined ? t.from : t.table))
    .replace('/*WHERE*/', () => (where.length > 0 ? where.join(' AND ') : 'true'))
    .replaceAll('/*STEP*/', () => `interval '${t.step}'`)
    .replace('/*VALUE*/', () => valueSql(rule, t)!)
    .replace('/*OUT*/', () => out.map((e) => e.replace(/^(k\d+|g)$/, 'h.$1')).join(', '))
    .replace('/*JOIN*/', () => joins.join(' '))
    .replaceAll('/*K*/', () => k);
  return { text, params };
}

/** Each pushed-down rule's history per group key (groups without history points are absent). */
export async function loadHistories(
  db: Queryable,
  tenantId: number,
  rules: readonly BaselineRule[],
  at: number,
): Promise<Map<string, Map<string, BaselineHistory>>> {
  const out = new Map<string, Map<string, BaselineHistory>>();
  for (const rule of rules) {
    const q = historyQuery(rule, tenantId, at);
    const r = await db.query<Record<string, unknown>>(q.text, q.params);
    const groups = new Map<string, BaselineHistory>();
    for (const row of r.rows) {
      groups.set(keyOf(rule.group_by ?? [], row), {
        base: row.base === null ? null : Number(row.base),
        points: Number(row.n),
      });
    }
    out.set(rule.id, groups);
  }
  return out;
}
