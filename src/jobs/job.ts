import type { ParsedConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { RejectStats } from '../core/reject-stats.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import type { Db, Queryable } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import type { Source } from '../sources/source.js';

/** What a job window reports: records read/rejected per dataset, rows written per table, anything else. */
export interface JobResult {
  recordsRead?: Record<string, number>;
  rejected?: Record<string, number>;
  rowsWritten?: Record<string, number>;
  [extra: string]: unknown;
}

export interface JobContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: ParsedConfig;
  /** The tenant's configured source. */
  source(tenant: Tenant): Source;
  signal: AbortSignal;
  /** Rejected-record counters for this run (the runner exports them as metrics). */
  stats: RejectStats;
  /**
   * Marks this run `success` inside the job's own write transaction (ownership-checked against the
   * claiming worker and its lease). A job calls it exactly once, as the last statement of its tx.
   */
  complete(tx: Queryable, result: JobResult): Promise<void>;
  /** Job-specific options from the config (`jobs.<name>.options`, tenant overrides merged). */
  options: Record<string, unknown>;
}

export interface JobDefinition {
  name: string;
  /** Window size and alignment in ms; a window equals the bucket of every row the job writes. */
  align: number;
  /** Tolerated lateness: the newest runnable window ends at floor(now − delay, align). */
  delay: number;
  /** Config overrides of `align` must be a multiple of this (the job's bucket size). */
  alignMultipleOf?: number;
  /** Jobs whose windows covering [from − lookbehind, to) must have succeeded first. */
  after?: { job: string; lookbehind: number }[];
  /** Windows of one tenant run one at a time, in order (stateful jobs such as oo-logs). */
  sequential?: boolean;
  /** Whether the job runs when the config does not say (`jobs.<name>.enabled`); default true. */
  enabledByDefault?: (config: ParsedConfig) => boolean;
  run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult>;
}
