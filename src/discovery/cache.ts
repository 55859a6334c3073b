/**
 * What this process has recorded of each recent debounce window's attribute sets, per tenant and
 * signal: the sets already written for each (namespace, name). It lets `max_sets_per_name` bound a
 * name's sets per debounce window instead of per job window (a high-cardinality key such as
 * user_id makes nearly every record a new set, so a 1 h window of 5-minute job windows held twelve
 * times the cap). Values are not cached: their counts add every job window, so a value row is
 * written whether or not it exists, and nothing is skipped on the cache's word.
 *
 * Only committed writes enter it (`commit` after the transaction), so a rolled-back window leaves
 * no stale entry. It is an optimisation of the cap, never of correctness: a window it does not hold
 * (a restart, another process, an old window revisited) is capped per job window as before, which
 * lets a debounce window hold at most the cap once more per process. Memory is bounded by
 * `maxHashes`: past it, the oldest debounce windows are forgotten.
 */

/** Debounce windows kept per (tenant, signal): the current one and the one before (late windows). */
const WINDOWS_KEPT = 2;

export interface SetsOfName {
  /** Hashes of the sets recorded for this name in this debounce window. */
  readonly known: ReadonlySet<number>;
}

export class DiscoveryCache {
  readonly maxHashes: number;
  /** `${tenant}\u0000${signal}` → window start → `${namespace}\u0000${name}` → set hashes. */
  readonly #byStream = new Map<string, Map<number, Map<string, Set<number>>>>();
  #hashes = 0;

  constructor(opts: { maxHashes?: number } = {}) {
    this.maxHashes = opts.maxHashes ?? 500_000;
    if (!(this.maxHashes > 0)) throw new RangeError(`maxHashes must be positive (got ${this.maxHashes})`);
  }

  get size(): number {
    return this.#hashes;
  }

  /**
   * The sets recorded for a name in a debounce window, or undefined when the cache does not follow
   * that window (older than the windows it keeps): then only the job window's own cap applies.
   */
  sets(tenantId: number, signal: string, windowStart: number, namespace: string, name: string): SetsOfName | undefined {
    const windows = this.#byStream.get(`${tenantId}\u0000${signal}`);
    const names = windows?.get(windowStart);
    if (names !== undefined) return { known: names.get(`${namespace}\u0000${name}`) ?? EMPTY };
    if (windows === undefined || windows.size < WINDOWS_KEPT) return { known: EMPTY };
    for (const ws of windows.keys()) if (ws < windowStart) return { known: EMPTY };
    return undefined;
  }

  /** Records the sets a committed transaction wrote. */
  commit(tenantId: number, signal: string, added: readonly AddedSets[]): void {
    if (added.length === 0) return;
    const key = `${tenantId}\u0000${signal}`;
    let windows = this.#byStream.get(key);
    if (windows === undefined) this.#byStream.set(key, (windows = new Map()));
    for (const a of added) {
      let names = windows.get(a.windowStart);
      if (names === undefined) {
        if (windows.size >= WINDOWS_KEPT) {
          const oldest = Math.min(...windows.keys());
          if (oldest > a.windowStart) continue; // older than what is followed: not tracked
          this.#drop(windows, oldest);
        }
        windows.set(a.windowStart, (names = new Map()));
      }
      const nk = `${a.namespace}\u0000${a.name}`;
      let set = names.get(nk);
      if (set === undefined) names.set(nk, (set = new Set()));
      for (const h of a.hashes) {
        if (set.has(h)) continue;
        set.add(h);
        this.#hashes++;
      }
    }
    while (this.#hashes > this.maxHashes && this.#evictOldest()) {
      /* evicts until under the bound */
    }
  }

  #drop(windows: Map<number, Map<string, Set<number>>>, ws: number): void {
    const names = windows.get(ws);
    if (names === undefined) return;
    for (const s of names.values()) this.#hashes -= s.size;
    windows.delete(ws);
  }

  #evictOldest(): boolean {
    let best: { windows: Map<number, Map<string, Set<number>>>; ws: number } | undefined;
    for (const windows of this.#byStream.values())
      for (const ws of windows.keys()) if (best === undefined || ws < best.ws) best = { windows, ws };
    if (best === undefined) return false;
    this.#drop(best.windows, best.ws);
    return true;
  }
}

export interface AddedSets {
  windowStart: number;
  namespace: string;
  name: string;
  hashes: number[];
}

const EMPTY: ReadonlySet<number> = new Set();

/**
 * A 53-bit hash of a set's canonical JSON (two FNV-1a lanes). A collision only lets one more set
 * past the cap (the row's own key is the server's md5 of the text), so this need not be cryptographic.
 */
export function setHash(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 2_097_152 + ((b >>> 0) & 0x1fffff);
}
