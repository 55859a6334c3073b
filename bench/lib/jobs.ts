import type { Dataset } from '../../src/core/records.js';
import type { Window } from '../../src/core/window.js';
import type { JobDefinition } from '../../src/jobs/job.js';
import { ooCallsJob } from '../../src/jobs/oo-calls.js';
import { ooLogsJob } from '../../src/jobs/oo-logs.js';
import { ooMetricsJob } from '../../src/jobs/oo-metrics.js';
import { MINUTE, T0 } from './sources.js';

export type JobName = 'oo-metrics' | 'oo-calls' | 'oo-logs';
export const JOB_NAMES: readonly JobName[] = ['oo-metrics', 'oo-calls', 'oo-logs'];

export interface BenchJob {
  name: JobName;
  dataset: Dataset;
  windowMs: number;
  /** How far past each edge the job reads (oo-calls' default pairing margin). */
  readPadMs: number;
  make(): JobDefinition;
}

export const BENCH_JOBS: Record<JobName, BenchJob> = {
  'oo-metrics': { name: 'oo-metrics', dataset: 'metrics', windowMs: MINUTE, readPadMs: 0, make: () => ooMetricsJob() },
  'oo-calls': {
    name: 'oo-calls',
    dataset: 'traces',
    windowMs: 5 * MINUTE,
    readPadMs: MINUTE,
    make: () => ooCallsJob(),
  },
  'oo-logs': { name: 'oo-logs', dataset: 'logs', windowMs: 5 * MINUTE, readPadMs: 0, make: () => ooLogsJob() },
};

/** The measured window of a job (the `k`-th after T0; k = -1 is the warm-up window before it). */
export function jobWindow(job: BenchJob, k = 0): Window {
  return { from: T0 + k * job.windowMs, to: T0 + (k + 1) * job.windowMs };
}

/** Records the job reads for one window at `perMinute` records per minute (its window plus read margins). */
export function recordsPerWindow(job: BenchJob, perMinute: number): number {
  return Math.round((perMinute * (job.windowMs + 2 * job.readPadMs)) / MINUTE);
}
