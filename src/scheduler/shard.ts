import { ConfigError } from '../core/errors.js';

/** This process takes the tenants with hash(code) mod n = k. */
export interface Shard {
  k: number;
  n: number;
}

/** Parses `k/n` (0 ≤ k < n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(k >= 0) || k >= n || n > 10_000) {
    throw new ConfigError(`--shard: expected k/n with 0 <= k < n, e.g. 0/3 (got '${text}')`);
  }
  return { k, n };
}

/**
 * 32-bit FNV-1a of the code's UTF-8 bytes: stable across processes, versions and platforms
 * (unlike a language's built-in string hash), so every process agrees on who owns a tenant.
 */
export function tenantHash(code: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(code)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function inShard(code: string, shard: Shard | undefined): boolean {
  return shard === undefined || tenantHash(code) % shard.n === shard.k;
}
