import { loadAliases, loadPatterns } from '../db/writers/patterns.js';
import type { Queryable } from '../db/types.js';
import type { PatternsConfig } from '../patterns/config.js';
import { PatternDictionary } from '../patterns/dictionary.js';

/** How far back a sync re-reads: a transaction that committed late can carry an older updated_at. */
const SYNC_MARGIN_MS = 10 * 60_000;

interface Entry {
  dict: PatternDictionary;
  syncedTo: number;
}

/**
 * The log-pattern dictionary of each tenant in this process. Loaded from log_pattern on first use,
 * topped up before each window with the patterns other processes wrote, and dropped after a failed
 * window so that unpersisted mining state never leaks into the next run.
 */
export class PatternDictionaries {
  readonly #byTenant = new Map<number, Entry>();

  constructor(readonly config: PatternsConfig = {}) {}

  async get(db: Queryable, tenantId: number): Promise<PatternDictionary> {
    let e = this.#byTenant.get(tenantId);
    if (e === undefined) {
      const { rows, newest } = await loadPatterns(db, tenantId, 0);
      const aliases = await loadAliases(db, tenantId, 0);
      e = { dict: PatternDictionary.load(rows, this.config, aliases), syncedTo: newest };
      this.#byTenant.set(tenantId, e);
      return e.dict;
    }
    const since = Math.max(0, e.syncedTo - SYNC_MARGIN_MS);
    const { rows, newest } = await loadPatterns(db, tenantId, since);
    const aliases = await loadAliases(db, tenantId, since);
    if (rows.length > 0 || aliases.length > 0) {
      e.dict.load(rows, aliases);
      e.dict.markPersisted();
    }
    e.syncedTo = Math.max(e.syncedTo, newest);
    return e.dict;
  }

  drop(tenantId: number): void {
    this.#byTenant.delete(tenantId);
  }
}
