/**
 * The configuration the reliability scenarios share: tenants on the deterministic mock source at a
 * small scale, only the chosen built-in jobs enabled, fast retries and many attempts (a window may
 * be hit by several kills), and a short lease so a crashed worker's window is reclaimed quickly.
 * The worker process (worker.ts) and the in-process reference run build the same config from it.
 */
import { configSchema, type ParsedConfig } from '../../../src/config/schema.js';
import type { Window } from '../../../src/core/window.js';
import { iterateWindows } from '../../../src/core/windows.js';
import type { Db } from '../../../src/db/types.js';
import { builtInJobs } from '../../../src/jobs/index.js';
import { JobRegistry } from '../../../src/jobs/registry.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { Runtime, type OnceSummary } from '../../../src/runner/runtime.js';
import type { SourceConfig, SourceFactory } from '../../../src/runner/sources.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';

export const MIN = 60_000;
export const T0 = Date.parse('2024-03-01T00:00:00Z');

export interface RelSetup {
  tenants: string[];
  /** Built-in jobs to enable; every other built-in job is disabled. */
  jobs: string[];
  seed?: number;
  /** Mock volume multiplier (1 = 5000 logs, 500 metric points, 1000 spans per minute). */
  scale?: number;
  /** Job window timeout (e.g. '20s'). */
  timeout?: string;
  attempts?: number;
  circuitFailures?: number;
  /** How far back a tenant's schedule starts (the scheduler's first tick enqueues it). @defaultValue '5m' */
  lookback?: string;
}

export function relConfig(s: RelSetup): ParsedConfig {
  const all = builtInJobs().map((j) => j.name);
  const jobs: Record<string, unknown> = {};
  for (const name of all) {
    jobs[name] = s.jobs.includes(name)
      ? {
          retry: { attempts: s.attempts ?? 50, base: '1s', factor: 1.5, max: '2s' },
          // The product's default threshold: injected database faults must not open a circuit at all
          // (they do not count toward it), so the scenarios need no raised threshold.
          circuit: { failures: s.circuitFailures ?? 5, cooldown: '2s' },
          ...(s.timeout ? { timeout: s.timeout } : {}),
        }
      : { enabled: false };
  }
  return configSchema.parse({
    tenants: s.tenants.map((code) => ({
      code,
      source: { kind: 'mock', seed: s.seed ?? 7, scale: s.scale ?? 0.02 },
      initial_lookback: { default: s.lookback ?? '5m' },
    })),
    jobs,
    // The scenarios' windows are in 2024 (T0), older than the seed's retention: with TimescaleDB its
    // retention policies (which a runtime sets to this) would drop chunks the scenario just wrote.
    retention: { metric_1m: '3650d', service_call_5m: '3650d', log_pattern_5m: '3650d' },
    logging: { level: 'silent' },
  });
}

/** Creates mock sources (the registry's job; kept local so these tests do not depend on it). */
export const mockFactory: SourceFactory = (cfg: SourceConfig) => {
  if (cfg.kind !== 'mock') throw new Error(`reliability tests create only mock sources (got '${cfg.kind}')`);
  return new MockSource(mockConfigSchema.parse(cfg));
};

/** The aligned windows of `job` in [from, to). */
export function windowsOf(config: ParsedConfig, job: string, from: number, to: number): Window[] {
  const align = JobRegistry.create(builtInJobs(), config).settings(job, config.tenants[0]!.code).align;
  return [...iterateWindows(from, to, align)];
}

/**
 * Enqueues [from, to) of every enabled job for every tenant (tenants synced first, like a runtime);
 * returns how many windows were enqueued.
 */
export async function enqueueRange(db: Db, s: RelSetup, from: number, to: number, force = false): Promise<number> {
  const config = relConfig(s);
  const runtime = await Runtime.create({ config, db, jobs: builtInJobs(), sourceFactory: mockFactory });
  let n = 0;
  for (const t of runtime.tenants) {
    for (const job of s.jobs) {
      const windows = windowsOf(config, job, from, to);
      await enqueueWindows(db, { job, tenantId: t.id, windows, maxAttempts: s.attempts ?? 50, now: to, force });
      n += windows.length;
    }
  }
  await runtime.stop(0);
  return n;
}

/** Runs every queued window in this process (the reference run, or a PGlite restart). */
export async function runQueued(
  db: Db,
  s: RelSetup,
  opts: { lease?: number; workers?: number } = {},
): Promise<OnceSummary> {
  const runtime = await Runtime.create({
    config: relConfig(s),
    db,
    jobs: builtInJobs(),
    sourceFactory: mockFactory,
    workerId: 'reference',
    scheduler: { lease: opts.lease ?? 10_000, workers: opts.workers ?? 2, tick: 200 },
    pollInterval: 50,
  });
  try {
    return await runtime.runOnce({ tick: false });
  } finally {
    await runtime.stop(0);
  }
}
