/**
 * The part of Python's `ast.literal_eval` that ansible applies to INI values: numbers, quoted
 * strings, True/False/None, lists, tuples and dicts. Anything else stays the original string
 * (as in ansible, which catches the error and keeps the text): `0755` and `FALSE` are strings.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

class NotLiteral extends Error {}

export function pyLiteral(text: string): PyValue {
  const src = text.replace(/^[ \t]+/, '');
  try {
    const p = new Parser(src);
    const v = p.value();
    p.ws();
    if (!p.done()) throw new NotLiteral();
    return v;
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

const NUM =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  done(): boolean {
    return this.i >= this.s.length;
  }
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }
  value(): PyValue {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw new NotLiteral();
    if (c === '[') return this.seq(']');
    if (c === '(') {
      const v = this.seq(')');
      return v;
    }
    if (c === '{') return this.dict();
    if (c === '"' || c === "'") return this.str();
    if (c === '-' || c === '+') {
      this.i++;
      this.ws();
      const n = this.num();
      return c === '-' ? -n : n;
    }
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.s.startsWith(word, this.i) && !/[\w]/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return v;
      }
    }
    return this.num();
  }
  num(): number {
    const m = NUM.exec(this.s.slice(this.i));
    const t = m?.[0] ?? '';
    if (t === '' || t === '.' || /[\w.]/.test(this.s[this.i + t.length] ?? '')) throw new NotLiteral();
    const clean = t.replace(/_/g, '');
    // Python 3 rejects decimal integers with leading zeros (`0755`): a SyntaxError, so a string.
    if (/^0+[1-9]\d*$/.test(clean)) throw new NotLiteral();
    this.i += t.length;
    if (/^0[xob]/i.test(clean)) return Number(clean.toLowerCase());
    return Number(clean);
  }
  str(): string {
    const q = this.s[this.i] as string;
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === q) {
        this.i++;
        // Adjacent literals concatenate ('a' 'b').
        this.ws();
        const n = this.s[this.i];
        if (n === '"' || n === "'") return out + this.str();
        return out;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (n !== undefined && n in map) {
          out += map[n];
          this.i += 2;
          continue;
        }
        out += c;
        this.i++;
        continue;
      }
      if (c === '\n') throw new NotLiteral();
      out += c;
      this.i++;
    }
    throw new NotLiteral();
  }
  seq(close: string): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      throw new NotLiteral();
    }
  }
  dict(): { [k: string]: PyValue } {
    this.i++;
    const out: { [k: string]: PyValue } = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      if (typeof k === 'object' && k !== null) throw new NotLiteral();
      this.ws();
      if (this.s[this.i] !== ':') throw new NotLiteral();
      this.i++;
      out[String(k === true ? 'True' : k === false ? 'False' : k === null ? 'None' : k)] = this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      throw new NotLiteral();
    }
  }
}
