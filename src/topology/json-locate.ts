/**
 * Finds where a JSON text stops being valid. Only called after JSON.parse failed, because V8
 * omits the position from some of its messages ("Unexpected token '}', ... is not valid JSON").
 */
export function locateJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const n = text.length;
  class Stop extends Error {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {
      super(reason);
    }
  }
  const fail = (reason: string): never => {
    throw new Stop(i, i >= n ? 'unexpected end of input (truncated file?)' : reason);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): void => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail('control character in string');
      if (c === 92) {
        i++;
        if (i >= n) break;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad escape in string');
      }
      i++;
    }
    fail('unterminated string');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        str();
        ws();
        if (text[i] !== ':') fail("expected ':' after property name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}' after property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']' after array element");
      }
    }
    if (c === '"') return str();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m !== null && m[0] !== '' && m[0] !== '-') {
      i += m[0].length;
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    fail(`unexpected ${c === undefined ? 'end of input' : JSON.stringify(c)}`);
  };
  try {
    value();
    ws();
    if (i < n) fail('unexpected text after the JSON value');
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, reason: e.reason };
    throw e;
  }
  return { offset: n, reason: 'invalid JSON' };
}
