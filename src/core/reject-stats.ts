/**
 * Rejected input is counted, never thrown. Reasons are short stable identifiers
 * (`missing_timestamp`, `bad_json`, `nan_value`, ...) and become metric labels.
 */
export class RejectStats {
  readonly #counts = new Map<string, number>();

  reject(reason: string, n = 1): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + n);
  }

  get total(): number {
    let t = 0;
    for (const v of this.#counts.values()) t += v;
    return t;
  }

  count(reason: string): number {
    return this.#counts.get(reason) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  merge(other: RejectStats): void {
    for (const [k, v] of Object.entries(other.toJSON())) this.reject(k, v);
  }
}
