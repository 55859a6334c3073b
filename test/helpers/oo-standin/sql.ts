/**
 * The SQL subset the stand-in understands — the shapes an ETL client sends to `_search`
 * (reference §10.5):
 *   SELECT * | col, … | count(*) [AS n] FROM "stream" [WHERE col op literal [AND …]]
 *   [ORDER BY col [ASC|DESC], …] [LIMIT n [OFFSET m]]
 * Anything else is "not valid" (OO code 20001).
 */
export type Literal = string | number;
export interface Condition {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: Literal;
}
export interface Query {
  select: { kind: 'all' } | { kind: 'columns'; columns: string[] } | { kind: 'count'; alias: string };
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
  if (peek()?.v === '*') {
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
