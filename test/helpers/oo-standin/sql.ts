/**
 * The SQL subset the stand-in understands — the shapes an ETL client sends to `_search`
 * (reference §10.5):
 *   SELECT * | col, … | count(*) [AS n] FROM "stream" [WHERE col op literal [AND …]]
 *   [ORDER BY col [ASC|DESC], …] [LIMIT n [OFFSET m]]
 * and the aggregate form of reference §8 (aggregation push-down), with exactly these functions:
 *   SELECT histogram(_timestamp, '<n> <unit>') AS b, col, …, count(*|col), sum(col), min(col),
 *          max(col), avg(col), approx_percentile_cont(col, q) [AS alias], …
 *   FROM "stream" [WHERE …] GROUP BY b, col, … [ORDER BY …] [LIMIT n]
 * Anything else is "not valid" (OO code 20001).
 */
export type Literal = string | number;
export interface Condition {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: Literal;
}
export type AggFn = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'approx_percentile_cont';
export type SelectItem =
  | { kind: 'histogram'; column: string; intervalMs: number; alias: string }
  | { kind: 'column'; column: string; alias: string }
  | { kind: 'agg'; fn: AggFn; column: string | '*'; q?: number; alias: string };
export interface Query {
  select:
    | { kind: 'all' }
    | { kind: 'columns'; columns: string[] }
    | { kind: 'count'; alias: string }
    | { kind: 'aggregate'; items: SelectItem[] };
  /** GROUP BY names (aliases of select items or columns); only with an aggregate select. */
  groupBy?: string[];
  stream: string;
  where: Condition[];
  orderBy: { column: string; desc: boolean }[];
  limit?: number;
  offset?: number;
}

export class SqlError extends Error {}

type Token = { t: 'word' | 'ident' | 'string' | 'number' | 'op' | 'punct'; v: string };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s*(?:("(?:[^"]|"")*")|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(<=|>=|!=|<>|=|<|>)|([(),*])|([A-Za-z_][A-Za-z0-9_]*))/y;
  let pos = 0;
  while (pos < sql.length) {
    if (/^\s*$/.test(sql.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(sql);
    if (!m) throw new SqlError(`unexpected input at ${pos}: '${sql.slice(pos, pos + 12)}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'ident', v: m[1].slice(1, -1).replace(/""/g, '"') });
    else if (m[2] !== undefined) out.push({ t: 'string', v: m[2].slice(1, -1).replace(/''/g, "'") });
    else if (m[3] !== undefined) out.push({ t: 'number', v: m[3] });
    else if (m[4] !== undefined) out.push({ t: 'op', v: m[4] === '<>' ? '!=' : m[4] });
    else if (m[5] !== undefined) out.push({ t: 'punct', v: m[5] });
    else out.push({ t: 'word', v: m[6]! });
  }
  return out;
}

const AGG_FNS = new Set<string>(['count', 'sum', 'min', 'max', 'avg', 'approx_percentile_cont']);
const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `'1 minute'`, `'5 seconds'` → ms (histogram intervals, reference §8). */
export function intervalMs(text: string): number {
  const m = /^\s*(\d+)\s*(second|minute|hour|day)s?\s*$/i.exec(text);
  if (!m) throw new SqlError(`histogram interval not understood: '${text}'`);
  return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
}

export function parseSql(sql: string): Query {
  const toks = tokenize(sql);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const isKw = (kw: string): boolean => peek()?.t === 'word' && peek()!.v.toUpperCase() === kw;
  const expectKw = (kw: string): void => {
    if (!isKw(kw)) throw new SqlError(`expected ${kw}`);
    i++;
  };
  const column = (): string => {
    const tk = toks[i++];
    if (!tk || (tk.t !== 'word' && tk.t !== 'ident')) throw new SqlError('expected a column name');
    return tk.v;
  };
  const integer = (): number => {
    const tk = toks[i++];
    if (!tk || tk.t !== 'number' || !/^\d+$/.test(tk.v)) throw new SqlError('expected an integer');
    return Number(tk.v);
  };

  expectKw('SELECT');
  let select: Query['select'];
  const aggregate = toks.some(
    (t, k) => t.t === 'word' && t.v.toUpperCase() === 'GROUP' && toks[k + 1]?.v.toUpperCase() === 'BY',
  );
  const alias = (fallback: string): string => {
    if (isKw('AS')) {
      i++;
      return column();
    }
    return fallback;
  };
  if (aggregate) {
    const items: SelectItem[] = [];
    for (;;) {
      const tk = toks[i];
      const fn = tk?.t === 'word' ? tk.v.toLowerCase() : '';
      if (tk?.t === 'word' && toks[i + 1]?.v === '(' && (fn === 'histogram' || AGG_FNS.has(fn))) {
        i += 2;
        let col: string;
        if (toks[i]?.v === '*') {
          if (fn !== 'count') throw new SqlError(`${fn}(*) is not supported`);
          i++;
          col = '*';
        } else col = column();
        let extra: Token | undefined;
        if (toks[i]?.v === ',') {
          i++;
          extra = toks[i++];
        }
        if (toks[i++]?.v !== ')') throw new SqlError(`expected ) after ${fn}(`);
        if (fn === 'histogram') {
          if (!extra || extra.t !== 'string')
            throw new SqlError("histogram needs an interval: histogram(_timestamp, '1 minute')");
          items.push({
            kind: 'histogram',
            column: col,
            intervalMs: intervalMs(extra.v),
            alias: alias(`histogram(${col})`),
          });
        } else if (fn === 'approx_percentile_cont') {
          const q = extra?.t === 'number' ? Number(extra.v) : NaN;
          if (!(q >= 0 && q <= 1)) throw new SqlError('approx_percentile_cont needs a fraction between 0 and 1');
          items.push({ kind: 'agg', fn, column: col, q, alias: alias(`${fn}(${col},${q})`) });
        } else {
          if (extra) throw new SqlError(`${fn} takes one argument`);
          items.push({ kind: 'agg', fn: fn as AggFn, column: col, alias: alias(`${fn}(${col})`) });
        }
      } else {
        const col = column();
        items.push({ kind: 'column', column: col, alias: alias(col) });
      }
      if (peek()?.v !== ',') break;
      i++;
    }
    select = { kind: 'aggregate', items };
  } else if (peek()?.v === '*') {
    i++;
    select = { kind: 'all' };
  } else if (isKw('COUNT')) {
    i++;
    if (toks[i]?.v !== '(' || toks[i + 1]?.v !== '*' || toks[i + 2]?.v !== ')')
      throw new SqlError('only count(*) is supported');
    i += 3;
    let alias = 'count(*)';
    if (isKw('AS')) {
      i++;
      alias = column();
    }
    select = { kind: 'count', alias };
  } else {
    const columns = [column()];
    while (peek()?.v === ',') {
      i++;
      columns.push(column());
    }
    select = { kind: 'columns', columns };
  }
  expectKw('FROM');
  const st = toks[i++];
  if (!st || (st.t !== 'ident' && st.t !== 'word')) throw new SqlError('expected a stream name after FROM');
  const q: Query = { select, stream: st.v, where: [], orderBy: [] };
  if (isKw('WHERE')) {
    i++;
    for (;;) {
      const col = column();
      const op = toks[i++];
      if (!op || op.t !== 'op') throw new SqlError('expected a comparison operator');
      const lit = toks[i++];
      if (!lit || (lit.t !== 'string' && lit.t !== 'number')) throw new SqlError('expected a literal');
      q.where.push({ column: col, op: op.v as Condition['op'], value: lit.t === 'number' ? Number(lit.v) : lit.v });
      if (!isKw('AND')) break;
      i++;
    }
  }
  if (select.kind === 'aggregate') {
    expectKw('GROUP');
    expectKw('BY');
    q.groupBy = [column()];
    while (peek()?.v === ',') {
      i++;
      q.groupBy.push(column());
    }
    for (const it of select.items)
      if (it.kind !== 'agg' && !q.groupBy.includes(it.alias) && !q.groupBy.includes(it.column))
        throw new SqlError(`'${it.alias}' must appear in GROUP BY or be an aggregate`);
  }
  if (isKw('ORDER')) {
    i++;
    expectKw('BY');
    for (;;) {
      const col = column();
      let desc = false;
      if (isKw('ASC')) i++;
      else if (isKw('DESC')) {
        i++;
        desc = true;
      }
      q.orderBy.push({ column: col, desc });
      if (peek()?.v !== ',') break;
      i++;
    }
  }
  if (isKw('LIMIT')) {
    i++;
    q.limit = integer();
    if (isKw('OFFSET')) {
      i++;
      q.offset = integer();
    }
  }
  if (i < toks.length) throw new SqlError(`unexpected '${toks[i]!.v}'`);
  return q;
}
