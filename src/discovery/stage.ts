/**
 * Discovery as a stage of the summary jobs (oo-metrics, oo-calls, oo-logs): the job hands every
 * record it reads to `add` as well as to its aggregator, and writes the result in its own
 * transaction. One read of OpenObserve serves both. Undefined when `discovery.enabled` is false.
 */
import type { TelemetryRecord } from '../core/records.js';
import type { Window } from '../core/window.js';
import type { JobContext } from '../jobs/job.js';
import type { Queryable } from '../db/types.js';
import type { DiscoveryCache } from './cache.js';
import { DiscoveryCollector, type Signal } from './collector.js';
import { writeDiscoveryRows, type DiscoveryWritten } from './store.js';

export interface DiscoveryStage {
  add(r: TelemetryRecord): void;
  /** Writes the window's discovery; returns rows upserted per table. */
  write(tx: Queryable, tenantId: number): Promise<DiscoveryWritten & { names_overflow: number; sets_capped: number }>;
  /** After the job's transaction committed: what it wrote enters the job's cache. */
  committed(): void;
}

export function discoveryStage(
  ctx: JobContext,
  signal: Signal,
  w: Window,
  opts: { logName?: string; cache?: DiscoveryCache } = {},
): DiscoveryStage | undefined {
  const c = ctx.config.discovery;
  if (!c.enabled) return undefined;
  const col = new DiscoveryCollector(signal, {
    debounceMs: c.debounce,
    maxValuesPerKey: c.max_values_per_key,
    maxKeysPerName: c.max_keys_per_name,
    maxSetsPerName: c.max_sets_per_name,
    maxSetValuesPerKey: c.max_set_values_per_key,
    maxNames: c.max_names,
    ...(opts.logName !== undefined ? { logName: opts.logName } : {}),
  });
  let commit: (() => void) | undefined;
  return {
    // Only the window's own records: oo-calls reads padding that belongs to its neighbours.
    add(r) {
      const t = r.kind === 'span' ? r.start : r.ts;
      if (t >= w.from && t < w.to) col.add(r);
    },
    async write(tx, tenantId) {
      const out = col.finish();
      const r = await writeDiscoveryRows(tx, tenantId, w, out, {
        ...(opts.cache ? { cache: opts.cache, maxSetsPerName: c.max_sets_per_name } : {}),
      });
      commit = r.commit;
      return { ...r.written, names_overflow: out.namesOverflow, sets_capped: r.setsCapped };
    },
    committed() {
      commit?.();
      commit = undefined;
    },
  };
}
