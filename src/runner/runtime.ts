import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ParsedConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Tenant } from '../core/tenant.js';
import { syncRetentionPolicies } from '../db/retention-policies.js';
import { syncTenants } from '../db/tenants.js';
import type { Db } from '../db/types.js';
import type { JobDefinition } from '../jobs/job.js';
import { RETENTION_DEFAULTS, definedOnly } from '../jobs/maintenance.js';
import { JobRegistry } from '../jobs/registry.js';
import { silentLogger, type Logger } from '../obs/logger.js';
import { withInfraRetry } from '../queue/infra-retry.js';
import { pendingWork } from '../queue/pending.js';
import { reclaimExpired } from '../queue/reclaim-expired.js';
import { buildPairs, type WorkPair } from '../scheduler/pairs.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { schedulerSettings, type SchedulerSettings } from '../scheduler/settings.js';
import { inShard, type Shard } from '../scheduler/shard.js';
import { realSleep, type Sleep } from './abortable.js';
import { RunnerEvents } from './events.js';
import { Runner } from './runner.js';
import type { RuntimeService } from './services.js';
import { registrySourceFactory, SourceResolver, type SourceFactory } from './sources.js';

export interface RuntimeOptions {
  config: ParsedConfig;
  db: Db;
  /** The jobs registered in code (src/jobs/index.ts builtInJobs() in production). */
  jobs: readonly JobDefinition[];
  clock?: Clock;
  logger?: Logger;
  /** Take only the tenants with hash(code) mod n = k. */
  shard?: Shard;
  workerId?: string;
  /** Waiting in `runOnce` (tests pass one that advances a ManualClock). */
  sleep?: Sleep;
  random?: () => number;
  /** undefined: src/sources/registry.ts; null: no sources (a job that asks for one fails permanently). */
  sourceFactory?: SourceFactory | null;
  /** Overrides of the config's scheduler block (tests). */
  scheduler?: Partial<SchedulerSettings>;
  pollInterval?: number;
  /** Restrict the runtime to one (job, tenant) and a window range: a backfill. */
  scope?: { job: string; tenant: string; from: number; to: number };
  services?: RuntimeService[];
  /**
   * false: start() runs no scheduler (a worker thread: the main thread's scheduler enqueues for the
   * whole process, and N schedulers would only repeat its statements). @defaultValue true
   */
  scheduling?: boolean;
}

export interface RunOnceOptions {
  /** Enqueue the due windows first (the scheduler's ticks). @defaultValue true */
  tick?: boolean;
  /**
   * The instant the windows' upper bounds are computed at. Threads of one `run --once` share the
   * main thread's, so they all drain the same set of windows. @defaultValue now
   */
  at?: number;
}

export interface OnceSummary {
  /** How this process's runs ended. */
  succeeded: number;
  failed: number;
  dead: number;
  /** Windows in scope still not finished (blocked by a dependency that did not succeed). */
  unfinished: number;
  ok: boolean;
}

/**
 * One ObserveBridge process: tenants synced, jobs checked against the config, the scheduler, the
 * worker pool and the services (HTTP) sharing one lifecycle.
 */
export class Runtime {
  readonly events = new RunnerEvents();
  readonly scheduler: Scheduler;
  readonly runner: Runner;
  readonly settings: SchedulerSettings;
  readonly #sleep: Sleep;
  readonly #sources: SourceResolver;
  readonly #services: RuntimeService[];
  readonly #scheduling: boolean;
  #started: RuntimeService[] = [];
  #stopping: Promise<void> | undefined;
  /** Ends runOnce's current wait early (wake()). */
  #wakeWait: (() => void) | undefined;
  /** wake() was called since runOnce's last look at the queue (a wake between two waits is kept). */
  #woken = false;

  private constructor(
    readonly config: ParsedConfig,
    readonly db: Db,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly registry: JobRegistry,
    readonly tenants: Tenant[],
    readonly pairs: WorkPair[],
    readonly workerId: string,
    opts: RuntimeOptions,
    sources: SourceResolver,
  ) {
    this.settings = schedulerSettings(config, opts.scheduler);
    this.#sleep = opts.sleep ?? realSleep;
    this.#sources = sources;
    this.#services = opts.services ?? [];
    this.#scheduling = opts.scheduling ?? true;
    this.scheduler = new Scheduler({
      db,
      clock,
      pairs,
      events: this.events,
      logger,
      tick: this.settings.tick,
      maxEnqueuePerTick: this.settings.maxEnqueuePerTick,
    });
    const jobConcurrency = new Map(registry.jobs.map((j) => [j.name, registry.jobConcurrency(j.name)]));
    this.runner = new Runner({
      db,
      clock,
      config,
      logger,
      events: this.events,
      sources,
      pairs,
      jobConcurrency,
      workerId,
      workers: this.settings.workers,
      lease: this.settings.lease,
      pollInterval: opts.pollInterval ?? 1_000,
      random: opts.random ?? Math.random,
      ...(opts.scope ? { scope: { from: opts.scope.from, to: opts.scope.to } } : {}),
    });
    this.events.on('scheduler:tick', (t) => {
      if (t.enqueued + t.revisits + t.expired > 0) this.runner.wake();
    });
    this.events.on('listener:error', ({ event, error }) =>
      logger.warn({ event, err: String(error) }, 'an event listener threw; ignored'),
    );
  }

  /** Syncs the configured tenants, validates jobs against the config (ConfigError) and builds the parts. */
  static async create(opts: RuntimeOptions): Promise<Runtime> {
    const { config, db } = opts;
    const registry = JobRegistry.create(opts.jobs, config);
    const all = await syncTenants(db, config.tenants);
    const tenants = all.filter((t) => inShard(t.code, opts.shard));
    let pairs = buildPairs(registry, tenants);
    if (opts.scope) {
      const { job, tenant } = opts.scope;
      registry.get(job);
      const t = tenants.find((x) => x.code === tenant);
      if (!t) throw new Error(`tenant '${tenant}' is not in the config (or not in this shard)`);
      // A backfill runs the job even where the schedule has it disabled.
      const settings = { ...registry.settings(job, tenant), enabled: true };
      pairs = [
        {
          def: registry.get(job),
          tenant: t,
          settings,
          after: pairs.find((p) => p.def.name === job && p.tenant.id === t.id)?.after ?? [],
        },
      ];
    }
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? silentLogger;
    // TimescaleDB's retention policies follow the configured retention, as the maintenance job does
    // without it; before any window runs, so no policy run drops a chunk the config keeps.
    const { etl_job_run: _runs, ...retention } = { ...RETENTION_DEFAULTS, ...definedOnly(config.retention) };
    for (const c of await syncRetentionPolicies(db, retention))
      logger.info(
        { table: c.table, job: c.jobId, was: c.was, now: c.now },
        'timescaledb retention policy set to the configured retention',
      );
    const factory =
      opts.sourceFactory === undefined ? registrySourceFactory(clock, logger) : (opts.sourceFactory ?? undefined);
    const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    return new Runtime(
      config,
      db,
      clock,
      logger,
      registry,
      tenants,
      pairs,
      workerId,
      opts,
      new SourceResolver(config, factory),
    );
  }

  /** Adds a service (e.g. the HTTP server) started and stopped with the runtime; call before start(). */
  addService(service: RuntimeService): void {
    this.#services.push(service);
  }

  /** Starts the scheduler, the workers and the services; returns once they are up. */
  async start(): Promise<void> {
    if (this.#scheduling) this.scheduler.start();
    this.runner.start();
    for (const s of this.#services) {
      await s.start();
      this.#started.push(s);
    }
    this.logger.info(
      { worker: this.workerId, pairs: this.pairs.length, tenants: this.tenants.map((t) => t.code) },
      'observebridge running',
    );
  }

  /**
   * Stops intake (services, scheduler, claiming), lets running windows finish for up to `grace` ms,
   * releases the rest, and closes the sources. Safe before start and twice.
   */
  stop(grace = 30_000): Promise<void> {
    // A second call (a signal during shutdown, then the caller's finally) waits for the first.
    this.#stopping ??= (async () => {
      for (const s of this.#started.reverse()) await s.stop().catch(() => undefined);
      await this.scheduler.stop();
      const stopped = this.runner.stop(grace);
      // runOnce waiting for another thread's window or a retry sees `stopping` at once.
      this.#wakeWait?.();
      await stopped;
      await this.#sources.close();
    })();
    return this.#stopping;
  }

  /**
   * `run --once` (and backfill with tick = false): enqueue every window due now, then run until each
   * window in scope succeeded, died, or is blocked. Retries wait for their backoff (through `sleep`).
   */
  async runOnce({ tick = true, at }: RunOnceOptions = {}): Promise<OnceSummary> {
    const startedAt = at ?? this.clock.now();
    this.runner.setUpperAt(startedAt);
    try {
      if (tick) await this.enqueueDue();
      const scope = this.runner.scopes(startedAt);
      let unfinished = 0;
      let recheck = false;
      for (;;) {
        const ended = this.#ended();
        this.#woken = false;
        await this.runner.drain();
        const now = this.clock.now();
        // A database outage is waited out (see infra-retry), unless the process is being stopped.
        const retry = { cancelled: () => this.runner.stopping };
        await withInfraRetry(() => reclaimExpired(this.db, now), retry);
        const p = await withInfraRetry(() => pendingWork(this.db, scope, now), retry);
        unfinished = p.unfinished;
        if (p.unfinished === 0 || this.runner.stopping) break;
        if (p.nextAt === null) {
          // Nothing will become claimable by waiting. Usually the rest is blocked (open circuit, dead
          // dependency), but a retry that fell due between the last claim and this check looks the
          // same: give up only when a drain pass after the first such check ran nothing.
          if (recheck && this.#ended() === ended) break;
          recheck = true;
          continue;
        }
        recheck = false;
        // Another thread of this process ending a window wakes this wait (the window after it of a
        // sequential pair is claimable now); otherwise it lasts until the next retry or lease end.
        if (this.#woken) continue;
        await Promise.race([
          this.#sleep(Math.min(Math.max(10, p.nextAt - now), this.settings.tick)),
          new Promise<void>((r) => (this.#wakeWait = r)),
        ]);
        this.#wakeWait = undefined;
      }
      const o = this.runner.outcomes;
      return {
        succeeded: o.success,
        failed: o.failed,
        dead: o.dead,
        unfinished,
        ok: unfinished === 0 && o.dead === 0 && !this.runner.fatal,
      };
    } finally {
      this.runner.setUpperAt(undefined);
    }
  }

  /** Scheduler ticks until one enqueues nothing: every window due now is in the queue. */
  async enqueueDue(): Promise<void> {
    while ((await this.scheduler.tick()).enqueued > 0);
  }

  /**
   * Something may have become claimable (another thread ended a window or enqueued some): the idle
   * claim loop and runOnce's wait look again now instead of after their poll interval.
   */
  wake(): void {
    this.#woken = true;
    this.runner.wake();
    this.#wakeWait?.();
  }

  /** Runs of this process that ended so far, whatever their outcome. */
  #ended(): number {
    return Object.values(this.runner.outcomes).reduce((a, b) => a + b, 0);
  }
}
