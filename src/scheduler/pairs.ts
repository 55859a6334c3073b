import type { Tenant } from '../core/tenant.js';
import { floorTo, upperBound } from '../core/windows.js';
import type { JobDefinition } from '../jobs/job.js';
import type { JobRegistry, JobSettings } from '../jobs/registry.js';

/** One enabled (job, tenant) this process schedules and runs, with its effective settings. */
export interface WorkPair {
  def: JobDefinition;
  tenant: Tenant;
  settings: JobSettings;
  /** The job's `after` list restricted to dependencies enabled for this tenant. */
  after: { job: string; lookbehind: number }[];
}

/**
 * Enabled (job, tenant) pairs in dependency order. A dependency disabled for a tenant does not gate
 * its dependents there (otherwise they would never run).
 */
export function buildPairs(registry: JobRegistry, tenants: readonly Tenant[]): WorkPair[] {
  const out: WorkPair[] = [];
  for (const def of registry.jobs) {
    for (const tenant of tenants) {
      const settings = registry.settings(def.name, tenant.code);
      if (!settings.enabled) continue;
      const after = (def.after ?? []).filter((d) => registry.settings(d.job, tenant.code).enabled);
      out.push({ def, tenant, settings, after });
    }
  }
  return out;
}

/** End of the newest runnable window of the pair at `now`. */
export function pairUpper(p: WorkPair, now: number): number {
  return upperBound(now, p.settings.delay, p.settings.align);
}

/**
 * Where the scheduler starts enqueueing: the end of the last successful window, or
 * now − initial_lookback (floored to the align) when the pair never succeeded. A last end that is
 * not aligned (the align was changed in the config) is rounded up to the next window start.
 */
export function firstWindowStart(lastSuccessTo: number | null, now: number, s: JobSettings): number {
  if (lastSuccessTo === null) return floorTo(now - s.initialLookback, s.align);
  return Math.ceil(lastSuccessTo / s.align) * s.align;
}
