/**
 * A bounded "seen before?" set for (trace id, span id) pairs, used to count a span delivered twice only once.
 *
 * Stores 64-bit fingerprints (two 32-bit lanes of a cyrb53-style hash) in open-addressing typed arrays:
 * 8 bytes per id at ≤ 50 % load, no per-entry objects. Two generations bound memory: when the current
 * table holds `maxPerGeneration` ids it becomes the old one and a fresh table starts, so the set remembers
 * at least the last `maxPerGeneration` ids (duplicates from collector retries arrive close together) and
 * at most twice that. A fingerprint collision (probability ≈ n²/2⁶⁵, ~3·10⁻⁸ for a million spans) would
 * drop one span as a duplicate.
 */
export class RecentIds {
  readonly #max: number;
  #cur: Table;
  #old: Table | undefined;
  #rotations = 0;

  constructor(maxPerGeneration = 1_000_000) {
    if (!(maxPerGeneration >= 1)) throw new RangeError(`maxPerGeneration must be ≥ 1 (got ${maxPerGeneration})`);
    this.#max = maxPerGeneration;
    this.#cur = new Table(Math.min(1024, ceilPow2(maxPerGeneration * 2)));
  }

  /** Generations dropped so far (> 0 means very old ids are no longer recognized). */
  get rotations(): number {
    return this.#rotations;
  }

  get size(): number {
    return this.#cur.size + (this.#old?.size ?? 0);
  }

  /** Records the id and returns whether it had been seen before (within the remembered range). */
  seen(a: string, b: string): boolean {
    hash(a, b);
    const h1 = H[0] as number;
    const h2 = H[1] as number;
    if (this.#old?.has(h1, h2)) return true;
    if (!this.#cur.insert(h1, h2)) return true;
    if (this.#cur.size * 2 > this.#cur.capacity && this.#cur.capacity < ceilPow2(this.#max * 2)) {
      this.#cur = this.#cur.grown();
    }
    if (this.#cur.size >= this.#max) {
      this.#old = this.#cur;
      this.#cur = new Table(Math.min(1024, ceilPow2(this.#max * 2)));
      this.#rotations++;
    }
    return false;
  }
}

const H = new Uint32Array(2);

function hash(a: string, b: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < a.length; i++) {
    const ch = a.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  // Separator, so ("ab", "c") and ("a", "bc") differ.
  h1 = Math.imul(h1 ^ 0x1f, 2654435761);
  h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  for (let i = 0; i < b.length; i++) {
    const ch = b.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  H[0] = h1;
  H[1] = h2 === 0 && h1 === 0 ? 1 : h2; // (0, 0) marks an empty slot
}

function ceilPow2(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

class Table {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  readonly mask: number;
  size = 0;

  constructor(readonly capacity: number) {
    this.lo = new Uint32Array(capacity);
    this.hi = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  has(h1: number, h2: number): boolean {
    for (let i = h1 & this.mask; ; i = (i + 1) & this.mask) {
      const l = this.lo[i] as number;
      const h = this.hi[i] as number;
      if (l === 0 && h === 0) return false;
      if (l === h1 && h === h2) return true;
    }
  }

  /** false when already present. */
  insert(h1: number, h2: number): boolean {
    for (let i = h1 & this.mask; ; i = (i + 1) & this.mask) {
      const l = this.lo[i] as number;
      const h = this.hi[i] as number;
      if (l === 0 && h === 0) {
        this.lo[i] = h1;
        this.hi[i] = h2;
        this.size++;
        return true;
      }
      if (l === h1 && h === h2) return false;
    }
  }

  grown(): Table {
    const t = new Table(this.capacity * 2);
    for (let i = 0; i < this.capacity; i++) {
      const l = this.lo[i] as number;
      const h = this.hi[i] as number;
      if (l !== 0 || h !== 0) t.insert(l, h);
    }
    return t;
  }
}
