import { sqlFolder, toMs } from '../sql-file.js';

export { iso, toMs } from '../sql-file.js';

const read = sqlFolder(new URL('./', import.meta.url));

/** A read-side statement kept in a sibling `.sql` file. */
export function readSql(name: string): string {
  return read(`${name}.sql`);
}

/** A timestamptz column as ISO text, null kept. Infinite bounds (±infinity) come back as null. */
export function toIso(v: Date | string | null | undefined): string | null {
  const t = toMs(v);
  return t === null ? null : new Date(t).toISOString();
}

/** A bigint/numeric column as a JS number (pg returns int8 as text). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
