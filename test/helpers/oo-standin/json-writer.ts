/** A row as OO returns it: flat, scalar values; bigint stands for UInt64 columns beyond 2^53. */
export type OoValue = string | number | boolean | bigint | null | undefined;
export type OoRow = Record<string, OoValue>;

/**
 * Serializes like OO's arrow-json writer: null/absent columns are omitted and bigints are written
 * as raw JSON digits (so a client's JSON.parse would lose precision, as with a real server).
 */
export function rowJson(row: OoRow, columns?: readonly string[]): string {
  let s = '{';
  let first = true;
  for (const k of columns ?? Object.keys(row)) {
    const v = row[k];
    if (v === null || v === undefined) continue;
    if (!first) s += ',';
    first = false;
    s += JSON.stringify(k) + ':' + (typeof v === 'bigint' ? v.toString() : JSON.stringify(v));
  }
  return s + '}';
}

const COMMA = Buffer.from(',');

/** A JSON object whose `hits` member is given as already-encoded rows (one copy, no re-encoding). */
export function responseBody(fields: Record<string, unknown>, hits: readonly Buffer[]): Buffer {
  const head = JSON.stringify({ took: fields['took'], took_detail: fields['took_detail'] });
  const rest = JSON.stringify(
    Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'took' && k !== 'took_detail')),
  );
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"hits":[`)];
  hits.forEach((h, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(h);
  });
  parts.push(Buffer.from(`],${rest.slice(1)}`));
  return Buffer.concat(parts);
}
