/**
 * Encodes rows in PostgreSQL's COPY text format. Written here rather than taken from a library
 * because both drivers need the same bytes (pg-copy-streams for the server, PGlite's /dev/blob)
 * and the escaping rules are short and exact.
 */

function escapeText(s: string): string {
  // Backslash first, then the characters COPY treats as delimiters or row ends.
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 92) rep = '\\\\';
    else if (c === 9) rep = '\\t';
    else if (c === 10) rep = '\\n';
    else if (c === 13) rep = '\\r';
    else if (c === 0) rep = ''; // PostgreSQL text cannot hold NUL; dropping it is the only option
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

export function encodeCopyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return String(v);
  }
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return '\\\\x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return escapeText(JSON.stringify(v));
}

export function encodeCopyRow(row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(row[i]);
  }
  return line + '\n';
}

const IDENT_RE = /^[a-z_][a-z0-9_]*$/;

/** Quotes an identifier that must come from code or validated config, never from input data. */
export function quoteIdent(name: string): string {
  if (!IDENT_RE.test(name)) throw new Error(`invalid SQL identifier '${name}' (must match ${IDENT_RE})`);
  return `"${name}"`;
}

export function copyStatement(table: string, columns: readonly string[], from: string): string {
  const t = table
    .split('.')
    .map((p) => quoteIdent(p))
    .join('.');
  return `COPY ${t} (${columns.map(quoteIdent).join(', ')}) FROM ${from}`;
}
