/**
 * Seeded randomness for the mock. Every minute (and every trace inside it) gets its own generator
 * seeded from a hash of (seed, tenant, minute, index), so any window can be produced on its own
 * and still match what a larger window would have produced.
 */

/** murmur3-style mixing of one 32-bit word into a running hash. */
export function mix32(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3 finalizer: spreads the bits so nearby inputs give unrelated outputs. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashInts(...words: number[]): number {
  let h = 0x9747b28c;
  for (const w of words) h = mix32(h, w | 0);
  return fmix32(h ^ words.length);
}

/** FNV-1a over UTF-16 code units: turns a tenant code into a seed word. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex32(n: number): string {
  return HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
}

/** A `Math.random`-shaped function: uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

/** mulberry32: tiny, fast, good enough for synthetic telemetry (not for cryptography). */
export class Rng {
  #s: number;
  #spare = NaN;

  constructor(seed: number) {
    this.#s = seed | 0;
  }

  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Standard normal (Box-Muller, keeping the second value for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare;
      this.#spare = NaN;
      return v;
    }
    const u = 1 - this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median: the long right tail real latencies have. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex16(): string {
    return hex32(this.u32()) + hex32(this.u32());
  }
}

/** Picks indexes by weight in O(log n) with a prefix-sum table. */
export class WeightedPicker<T> {
  readonly #items: readonly T[];
  readonly #cum: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.#items = entries.map(([item]) => item);
    this.#cum = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, w], i) => {
      total += w;
      this.#cum[i] = total;
    });
    for (let i = 0; i < this.#cum.length; i++) this.#cum[i]! /= total;
  }

  pick(rng: Rng): T {
    const x = rng.float();
    let lo = 0;
    let hi = this.#cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo]!;
  }
}
