import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/** A read-side statement kept in a sibling `.sql` file (copied to dist/ by scripts/copy-assets.mjs). */
export function readSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./${name}.sql`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** Timestamps cross the driver boundary as ISO strings cast to timestamptz (same on pg and PGlite). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A timestamptz column as epoch ms (both drivers return Date objects). */
export function toMs(v: Date | string | null | undefined): number | null {
  if (v == null) return null;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(t) ? t : null;
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
