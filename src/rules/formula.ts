/**
 * The composite rules' arithmetic (`A1*0.2+B1*0.3+C1*0.5`): numbers, aliases, + − * /, unary minus
 * and parentheses. Written here rather than taken from npm because the grammar is these six tokens
 * and evaluating user text must never reach `eval` or a general expression language.
 */

export type Formula =
  | { t: 'num'; v: number }
  | { t: 'ref'; name: string }
  | { t: 'neg'; e: Formula }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Formula; b: Formula };

const TOKEN_RE = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Z][A-Z0-9]*)|([-+*/()]))/y;

/** Parses `text`; every alias it uses must be in `aliases`. Throws an Error naming the position. */
export function parseFormula(text: string, aliases: readonly string[]): Formula {
  const tokens: { kind: 'num' | 'ref' | 'op'; text: string; pos: number }[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m) throw new Error(`unexpected character at ${pos + 1}: '${text.slice(pos).trimStart()[0]}'`);
    const at = pos + m[0].length - (m[1] ?? m[2] ?? m[3])!.length;
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1], pos: at });
    else if (m[2] !== undefined) tokens.push({ kind: 'ref', text: m[2], pos: at });
    else tokens.push({ kind: 'op', text: m[3]!, pos: at });
    pos = TOKEN_RE.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    const t = peek();
    throw new Error(t ? `${what} at ${t.pos + 1} ('${t.text}')` : `${what} at the end`);
  };
  const primary = (): Formula => {
    const t = peek();
    if (!t) return fail('expected a number, alias or (');
    if (t.kind === 'num') {
      i++;
      return { t: 'num', v: Number(t.text) };
    }
    if (t.kind === 'ref') {
      if (!aliases.includes(t.text)) fail(`unknown alias (inputs: ${aliases.join(', ')})`);
      i++;
      return { t: 'ref', name: t.text };
    }
    if (t.text === '(') {
      i++;
      const e = sum();
      if (peek()?.text !== ')') fail('expected )');
      i++;
      return e;
    }
    if (t.text === '-') {
      i++;
      return { t: 'neg', e: primary() };
    }
    return fail('expected a number, alias or (');
  };
  const product = (): Formula => {
    let a = primary();
    while (peek()?.text === '*' || peek()?.text === '/') {
      const op = tokens[i++]!.text as '*' | '/';
      a = { t: 'bin', op, a, b: primary() };
    }
    return a;
  };
  const sum = (): Formula => {
    let a = product();
    while (peek()?.text === '+' || peek()?.text === '-') {
      const op = tokens[i++]!.text as '+' | '-';
      a = { t: 'bin', op, a, b: product() };
    }
    return a;
  };
  if (tokens.length === 0) throw new Error('empty formula');
  const e = sum();
  if (i < tokens.length) fail('unexpected token');
  return e;
}

/** The formula's value; null when an alias has no value or a division by zero occurs. */
export function evalFormula(f: Formula, env: ReadonlyMap<string, number>): number | null {
  switch (f.t) {
    case 'num':
      return f.v;
    case 'ref':
      return env.get(f.name) ?? null;
    case 'neg': {
      const v = evalFormula(f.e, env);
      return v === null ? null : -v;
    }
    case 'bin': {
      const a = evalFormula(f.a, env);
      const b = evalFormula(f.b, env);
      if (a === null || b === null) return null;
      if (f.op === '+') return a + b;
      if (f.op === '-') return a - b;
      if (f.op === '*') return a * b;
      return b === 0 ? null : a / b;
    }
  }
}
