import type { ParsedConfig } from '../config/schema.js';

/** The `scheduler:` block of the config, with its defaults. */
export interface SchedulerSettings {
  /** Time between scheduler ticks. @defaultValue 5s */
  tick: number;
  /** New windows enqueued per tick over all (job, tenant) pairs. @defaultValue 1000 */
  maxEnqueuePerTick: number;
  /** Lease of a claimed window; a heartbeat renews it every lease/3. @defaultValue 60s */
  lease: number;
  /** Windows in flight in one process. @defaultValue 4 */
  workers: number;
}

export const SCHEDULER_DEFAULTS = {
  tick: 5_000,
  maxEnqueuePerTick: 1_000,
  lease: 60_000,
  workers: 4,
} as const satisfies SchedulerSettings;

export function schedulerSettings(config: ParsedConfig, overrides: Partial<SchedulerSettings> = {}): SchedulerSettings {
  const s = config.scheduler;
  return {
    tick: overrides.tick ?? s.tick ?? SCHEDULER_DEFAULTS.tick,
    maxEnqueuePerTick: overrides.maxEnqueuePerTick ?? s.max_enqueue_per_tick ?? SCHEDULER_DEFAULTS.maxEnqueuePerTick,
    lease: overrides.lease ?? s.lease ?? SCHEDULER_DEFAULTS.lease,
    workers: overrides.workers ?? s.workers ?? SCHEDULER_DEFAULTS.workers,
  };
}
