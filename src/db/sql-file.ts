import { readFileSync } from 'node:fs';

/**
 * A reader of the `.sql` files in one folder (copied into dist/ by scripts/copy-assets.mjs), each
 * read once. `folder` is a URL ending in `/`, e.g. `new URL('./', import.meta.url)`.
 */
export function sqlFolder(folder: URL): (file: string) => string {
  const cache = new Map<string, string>();
  return (file) => {
    let text = cache.get(file);
    if (text === undefined) {
      text = readFileSync(new URL(file, folder), 'utf8');
      cache.set(file, text);
    }
    return text;
  };
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
