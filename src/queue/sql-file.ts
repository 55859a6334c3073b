import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, string>();

/** The text of a statement kept in a sibling `.sql` file (copied to dist/ by the build). */
export function queueSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(here, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** Timestamps cross the driver boundary as ISO strings cast to timestamptz (same on pg and PGlite). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A timestamptz column as epoch ms (both drivers return Date objects). */
export function ms(v: Date | string | null | undefined): number | null {
  if (v == null) return null;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(t) ? t : null;
}
