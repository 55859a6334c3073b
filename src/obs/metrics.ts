/**
 * The Prometheus registry and every metric ObserveBridge exports (`observebridge_<noun>_<unit>`).
 *
 * Two kinds of figures:
 * - events the runner reports as they happen, through the small typed API below (`runFinished`,
 *   `recordsRead`, ...): counters and a histogram of this process;
 * - state read from the database at scrape time (`attachDb`): window lag, queue depth and circuit
 *   state. The queue is shared by every process, so these are right whichever process is scraped,
 *   and they need no bookkeeping that could drift.
 *
 * Labels stay low-cardinality: job, tenant (the configured code), dataset, table, reason, outcome,
 * state. Never URNs, run ids or window bounds.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { circuitStates, jobProgress, lagSeconds, queueCounts } from '../db/queries/ops.js';
import type { Queryable } from '../db/types.js';
import type { JobResult } from '../jobs/job.js';
import type { Logger } from './logger.js';

/** How a run ended, from the runner's point of view. */
export type RunOutcome = 'success' | 'failed' | 'dead' | 'timeout' | 'lease_lost' | 'released';

export const QUEUE_STATES = ['queued', 'running', 'failed', 'dead'] as const;
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;

/** What scrape-time collection reads: the shared database, the injected clock, the jobs to report. */
export interface MetricsDbSource {
  db: Queryable;
  clock: Clock;
  /** Names of the configured jobs; every (job, enabled tenant) pair gets a lag gauge. */
  jobs: readonly string[] | (() => readonly string[]);
  /** Keeps only the pairs this returns true for (a job disabled for a tenant has no lag). */
  include?: (job: string, tenant: string) => boolean;
  logger?: Logger;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC). @defaultValue true */
  defaultMetrics?: boolean;
  /** Run-duration histogram buckets in seconds. */
  durationBuckets?: number[];
}

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** A run ended: counts it by outcome and observes its duration. */
  runFinished(job: string, tenant: string, outcome: RunOutcome, seconds: number): void;
  /** A failed run was scheduled for another attempt. */
  runRetried(job: string, tenant: string): void;
  recordsRead(job: string, tenant: string, dataset: string, n: number): void;
  recordsRejected(job: string, tenant: string, dataset: string, reason: string, n: number): void;
  rowsWritten(job: string, tenant: string, table: string, n: number): void;
  /**
   * Counts a finished window's JobResult: records read per dataset, rejected per reason (attributed
   * to the run's single dataset, or `mixed` when it read several), rows written per table.
   */
  jobResult(job: string, tenant: string, result: JobResult): void;
  /** Reads lag, queue depth and circuit state from the database at each scrape. */
  attachDb(source: MetricsDbSource): void;
  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string>;
}

const DEFAULT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const runs = new Counter({
    name: 'observebridge_runs_total',
    help: 'Job windows that ended, by outcome',
    labelNames: ['job', 'tenant', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'observebridge_run_duration_seconds',
    help: 'Wall time of a job window, from claim to outcome',
    labelNames: ['job', 'tenant', 'outcome'] as const,
    buckets: opts.durationBuckets ?? DEFAULT_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'observebridge_run_retries_total',
    help: 'Failed job windows scheduled for another attempt',
    labelNames: ['job', 'tenant'] as const,
    registers,
  });
  const read = new Counter({
    name: 'observebridge_records_read_total',
    help: 'Records read from the source',
    labelNames: ['job', 'tenant', 'dataset'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'observebridge_records_rejected_total',
    help: 'Records skipped because they could not be normalized, by reason',
    labelNames: ['job', 'tenant', 'dataset', 'reason'] as const,
    registers,
  });
  const written = new Counter({
    name: 'observebridge_rows_written_total',
    help: 'Rows written to PostgreSQL, by table',
    labelNames: ['job', 'tenant', 'table'] as const,
    registers,
  });
  // The rules job (src/jobs/rules.ts): rule ids come from the config, so they are a bounded label.
  const ruleOpened = new Counter({
    name: 'observebridge_rule_events_opened_total',
    help: 'Events a rule opened',
    labelNames: ['rule', 'tenant'] as const,
    registers,
  });
  const ruleResolved = new Counter({
    name: 'observebridge_rule_events_resolved_total',
    help: 'Events of a rule that resolved',
    labelNames: ['rule', 'tenant'] as const,
    registers,
  });
  const ruleErrors = new Counter({
    name: 'observebridge_rule_errors_total',
    help: 'Rule evaluations that failed (the rule is skipped for the window, the others run)',
    labelNames: ['rule', 'tenant'] as const,
    registers,
  });
  const ruleEval = new Histogram({
    name: 'observebridge_rule_evaluation_seconds',
    help: 'Time to evaluate a rule over the rows of one window (reads excluded)',
    labelNames: ['rule'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  // Registered after the gauges below (see there); declared here for the snapshot's error path.
  const collectErrors = new Counter({
    name: 'observebridge_metrics_collect_errors_total',
    help: 'Scrapes whose database-backed gauges could not be read (those gauges are absent from that scrape)',
    registers: [],
    // The same scrape's read: a failure is counted in the scrape that saw it.
    async collect() {
      await read1();
    },
  });

  let source: MetricsDbSource | undefined;
  let snapshot: Promise<Snapshot | null> | undefined;
  // The three gauges below are collected concurrently by one scrape; they share one database read.
  // Each resets and refills itself synchronously after that read, so overlapping scrapes cannot mix.
  const read1 = (): Promise<Snapshot | null> => {
    if (!source) return Promise.resolve(null);
    const s = source;
    snapshot ??= loadSnapshot(s)
      .catch((e: unknown) => {
        collectErrors.inc();
        s.logger?.warn({ err: e }, 'metrics: reading lag/queue/circuit state from the database failed');
        return null;
      })
      .finally(() => {
        snapshot = undefined;
      });
    return snapshot;
  };

  new Gauge({
    name: 'observebridge_window_lag_seconds',
    help: 'Now minus the end of the newest successful window, per job and tenant',
    labelNames: ['job', 'tenant'] as const,
    registers,
    async collect() {
      const snap = await read1();
      this.reset();
      for (const l of snap?.lag ?? []) this.set({ job: l.job, tenant: l.tenant }, l.seconds);
    },
  });
  new Gauge({
    name: 'observebridge_queue_depth',
    help: 'Job windows in the queue that have not succeeded, by state',
    labelNames: ['job', 'tenant', 'state'] as const,
    registers,
    async collect() {
      const snap = await read1();
      this.reset();
      for (const q of snap?.queue ?? []) this.set({ job: q.job, tenant: q.tenant, state: q.state }, q.n);
    },
  });
  new Gauge({
    name: 'observebridge_circuit_state',
    help: 'Circuit breaker of each job and tenant: 1 for the current state, 0 for the others',
    labelNames: ['job', 'tenant', 'state'] as const,
    registers,
    async collect() {
      const snap = await read1();
      this.reset();
      for (const c of snap?.circuits ?? []) {
        for (const st of CIRCUIT_STATES) this.set({ job: c.job, tenant: c.tenant, state: st }, c.state === st ? 1 : 0);
      }
    },
  });

  // After the gauges: a scrape starts every collect in registration order, so by now the read is in flight.
  registry.registerMetric(collectErrors);

  const nonNeg = (n: number): boolean => Number.isFinite(n) && n > 0;

  return {
    registry,
    contentType: registry.contentType,
    runFinished(job, tenant, outcome, seconds) {
      runs.inc({ job, tenant, outcome });
      if (Number.isFinite(seconds) && seconds >= 0) duration.observe({ job, tenant, outcome }, seconds);
    },
    runRetried(job, tenant) {
      retries.inc({ job, tenant });
    },
    recordsRead(job, tenant, dataset, n) {
      if (nonNeg(n)) read.inc({ job, tenant, dataset }, n);
    },
    recordsRejected(job, tenant, dataset, reason, n) {
      if (nonNeg(n)) rejected.inc({ job, tenant, dataset, reason }, n);
    },
    rowsWritten(job, tenant, table, n) {
      if (nonNeg(n)) written.inc({ job, tenant, table }, n);
    },
    jobResult(job, tenant, result) {
      const datasets = Object.keys(result.recordsRead ?? {});
      for (const [d, n] of Object.entries(result.recordsRead ?? {})) this.recordsRead(job, tenant, d, n);
      const dataset = datasets.length === 1 ? datasets[0]! : 'mixed';
      for (const [reason, n] of Object.entries(result.rejected ?? {}))
        this.recordsRejected(job, tenant, dataset, reason, n);
      for (const [table, n] of Object.entries(result.rowsWritten ?? {})) this.rowsWritten(job, tenant, table, n);
      const rules = result.rules as
        | {
            opened?: Record<string, number>;
            resolved?: Record<string, number>;
            eval_ms?: Record<string, number>;
            errors?: Record<string, string>;
          }
        | undefined;
      if (rules && typeof rules === 'object') {
        for (const [rule, n] of Object.entries(rules.opened ?? {})) if (nonNeg(n)) ruleOpened.inc({ rule, tenant }, n);
        for (const [rule, n] of Object.entries(rules.resolved ?? {}))
          if (nonNeg(n)) ruleResolved.inc({ rule, tenant }, n);
        for (const [rule, ms] of Object.entries(rules.eval_ms ?? {}))
          if (nonNeg(ms)) ruleEval.observe({ rule }, ms / 1000);
        for (const rule of Object.keys(rules.errors ?? {})) ruleErrors.inc({ rule, tenant });
      }
    },
    attachDb(s) {
      source = s;
    },
    text() {
      return registry.metrics();
    },
  };
}

interface Snapshot {
  lag: { job: string; tenant: string; seconds: number }[];
  queue: { job: string; tenant: string; state: string; n: number }[];
  circuits: { job: string; tenant: string; state: string }[];
}

/**
 * One consistent read for a scrape. Every (job, enabled tenant) pair gets a lag, every queue state a
 * count (zeros included, so a rate or an alert never sees a series vanish) and a circuit state
 * (closed when it has no row).
 */
async function loadSnapshot(s: MetricsDbSource): Promise<Snapshot> {
  const jobs = typeof s.jobs === 'function' ? s.jobs() : s.jobs;
  const now = s.clock.now();
  const include = s.include ?? (() => true);
  const progress = (await jobProgress(s.db, jobs)).filter((p) => include(p.job, p.tenant));
  const counts = await queueCounts(s.db);
  const circuits = await circuitStates(s.db);
  const key = (job: string, tenant: string): string => `${job}\u0000${tenant}`;
  const pairs = new Map(progress.map((p) => [key(p.job, p.tenant), p]));

  const depth = new Map<string, number>();
  for (const c of counts) depth.set(`${key(c.job, c.tenant)}\u0000${c.status}`, c.n);
  const queue: Snapshot['queue'] = [];
  for (const p of progress) {
    for (const st of QUEUE_STATES) {
      queue.push({ job: p.job, tenant: p.tenant, state: st, n: depth.get(`${key(p.job, p.tenant)}\u0000${st}`) ?? 0 });
    }
  }
  // Runs of jobs no longer configured still hold queue rows: report them rather than hide them.
  for (const c of counts)
    if (!pairs.has(key(c.job, c.tenant))) queue.push({ job: c.job, tenant: c.tenant, state: c.status, n: c.n });

  const circuit = new Map(circuits.map((c) => [key(c.job, c.tenant), c.state]));
  return {
    lag: progress.map((p) => ({ job: p.job, tenant: p.tenant, seconds: lagSeconds(p, now) })),
    queue,
    circuits: progress.map((p) => ({
      job: p.job,
      tenant: p.tenant,
      state: circuit.get(key(p.job, p.tenant)) ?? 'closed',
    })),
  };
}

/** The runner's event map, structurally (so this module does not depend on the runner's code). */
interface RunLike {
  job: string;
  tenantId: number;
}
export interface RunnerEventSource {
  on(event: 'run:succeeded', fn: (p: { run: RunLike; result: JobResult; durationMs: number }) => void): () => void;
  on(event: 'run:failed', fn: (p: { run: RunLike; durationMs: number }) => void): () => void;
  on(event: 'run:dead', fn: (p: { run: RunLike; durationMs: number }) => void): () => void;
  on(event: 'run:lost', fn: (p: { run: RunLike }) => void): () => void;
  on(event: 'run:released', fn: (p: { run: RunLike }) => void): () => void;
}

/**
 * Counts the runner's events (src/runner/events.ts): outcomes with durations, retries, and each
 * successful window's records and rows. `tenantCode` maps a tenant id to its configured code (the
 * label). Returns a function that unsubscribes.
 */
export function bindRunnerMetrics(
  metrics: Metrics,
  events: RunnerEventSource,
  tenantCode: (tenantId: number) => string,
): () => void {
  const offs = [
    events.on('run:succeeded', ({ run, result, durationMs }) => {
      const t = tenantCode(run.tenantId);
      metrics.runFinished(run.job, t, 'success', durationMs / 1000);
      metrics.jobResult(run.job, t, result);
    }),
    events.on('run:failed', ({ run, durationMs }) => {
      const t = tenantCode(run.tenantId);
      metrics.runFinished(run.job, t, 'failed', durationMs / 1000);
      metrics.runRetried(run.job, t);
    }),
    events.on('run:dead', ({ run, durationMs }) =>
      metrics.runFinished(run.job, tenantCode(run.tenantId), 'dead', durationMs / 1000),
    ),
    events.on('run:lost', ({ run }) => metrics.runFinished(run.job, tenantCode(run.tenantId), 'lease_lost', NaN)),
    events.on('run:released', ({ run }) => metrics.runFinished(run.job, tenantCode(run.tenantId), 'released', NaN)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
