import { withInfraRetry } from '../queue/infra-retry.js';
import type { ParsedConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import { claim, type ClaimPair } from '../queue/claim.js';
import { LeaseLostError, ShutdownError } from '../queue/errors.js';
import { extendLeases } from '../queue/extend-lease.js';
import { releaseRuns } from '../queue/release.js';
import type { ClaimedRun } from '../queue/types.js';
import { pairUpper, type WorkPair } from '../scheduler/pairs.js';
import { coerceError } from './abortable.js';
import type { RunnerEvents } from './events.js';
import { executeRun, OutcomeWriteError, type InFlight, type Outcome } from './execute.js';
import type { SourceResolver } from './sources.js';

export interface RunnerOptions {
  db: Db;
  clock: Clock;
  config: ParsedConfig;
  logger: Logger;
  events: RunnerEvents;
  sources: SourceResolver;
  pairs: readonly WorkPair[];
  /** Per job: windows this process runs at the same time (tenant overrides cap each pair further). */
  jobConcurrency: ReadonlyMap<string, number>;
  /** Unique per process: claims are owned by it. */
  workerId: string;
  /** Windows in flight in this process, all jobs together. @defaultValue 4 */
  workers: number;
  /** Lease length in ms; heartbeats renew it every lease/3. */
  lease: number;
  /** Idle poll interval in ms. @defaultValue 1000 */
  pollInterval?: number;
  /** Only windows inside [from, to) (a backfill). */
  scope?: { from?: number; to?: number };
  /** Compute upper bounds at this instant instead of now (`run --once`: the windows due at start). */
  upperAt?: number;
  /** Jitter source for the backoff. @defaultValue Math.random */
  random?: () => number;
}

/**
 * The worker pool. Claims windows (never more than `workers` in flight, nor more than a job's
 * concurrency), runs each with its timeout, renews leases, and records outcomes. If recording an
 * outcome fails the queue may be inconsistent: the pool stops claiming and `fatal` is set.
 */
export class Runner {
  readonly #o: Required<Omit<RunnerOptions, 'scope' | 'upperAt'>> & Pick<RunnerOptions, 'scope' | 'upperAt'>;
  readonly #inflight = new Map<number, InFlight>();
  readonly #outcomes: Record<Outcome, number> = { success: 0, failed: 0, dead: 0, lost: 0, interrupted: 0 };
  #rotate = 0;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #changed: (() => void) | undefined;
  /** Bumped whenever a run ends or the pool turns fatal, so a waiter cannot miss a change. */
  #version = 0;
  #fatal: Error | undefined;

  constructor(options: RunnerOptions) {
    this.#o = { pollInterval: 1_000, random: Math.random, ...options };
  }

  get fatal(): Error | undefined {
    return this.#fatal;
  }

  /** stop() was called or the pool turned fatal: no more claims. */
  get stopping(): boolean {
    return this.#stopping;
  }

  get inFlight(): number {
    return this.#inflight.size;
  }

  /** How the runs of this process ended so far. */
  get outcomes(): Readonly<Record<Outcome, number>> {
    return this.#outcomes;
  }

  /** The pairs' claim bounds at `now`, for pendingWork(). */
  scopes(now: number): { job: string; tenantId: number; upper: number; minFrom?: number }[] {
    return this.#claimPairs(now).map((p) => ({
      job: p.job,
      tenantId: p.tenantId,
      upper: p.upper,
      ...(p.minFrom === undefined ? {} : { minFrom: p.minFrom }),
    }));
  }

  /** Freezes (or with undefined, unfreezes) the instant upper bounds are computed at. */
  setUpperAt(t: number | undefined): void {
    this.#o.upperAt = t;
  }

  /** Starts the claim loop and the heartbeat; returns at once. */
  start(): void {
    if (this.#loop || this.#stopping) return;
    this.#startHeartbeat();
    this.#loop = this.#run();
  }

  /** Wakes an idle claim loop (the scheduler enqueued windows). */
  wake(): void {
    this.#wake?.();
  }

  /**
   * Claims and runs until nothing is claimable now and nothing is in flight. Windows that become
   * claimable later (a retry's backoff, an open circuit) are left for the caller.
   */
  async drain(): Promise<void> {
    this.#startHeartbeat();
    try {
      for (;;) {
        if (this.#fatal) throw this.#fatal;
        if (this.#stopping) break;
        const seen = this.#version;
        const n = this.#free() > 0 ? await this.claimOnce() : 0;
        if (n > 0 && this.#free() > 0) continue;
        if (this.#inflight.size === 0) {
          if (n === 0) break;
          continue;
        }
        await this.#nextChange(seen);
      }
    } finally {
      if (!this.#loop) this.#stopHeartbeat();
    }
    if (this.#fatal) throw this.#fatal;
  }

  /** One claim for the free slots; launches what it got. Returns how many windows were claimed. */
  async claimOnce(): Promise<number> {
    const free = this.#free();
    if (free <= 0 || this.#stopping || this.#fatal) return 0;
    const now = this.#o.clock.now();
    const pairs = this.#claimPairs(now);
    const k = pairs.length ? this.#rotate++ % pairs.length : 0;
    const rotated = [...pairs.slice(k), ...pairs.slice(0, k)];
    const slots = new Map<string, number>();
    for (const [job, n] of this.#o.jobConcurrency) slots.set(job, Math.max(0, n - this.#countJob(job)));
    // One statement; a dropped connection or a server restart is retried here so `run --once` and
    // backfill (which drain without the serve loop's catch-and-poll) survive it. If the claim
    // committed but its answer was lost, those rows return to the queue when their lease expires.
    // stop() ends the wait for a server that is down.
    const runs = await withInfraRetry(
      () =>
        claim(this.#o.db, {
          workerId: this.#o.workerId,
          now,
          lease: this.#o.lease,
          limit: free,
          pairs: rotated,
          slots,
        }),
      { cancelled: () => this.#stopping },
    );
    for (const run of runs) this.#launch(run);
    return runs.length;
  }

  /**
   * Stops claiming, lets running windows finish for up to `grace` ms, then interrupts the rest and
   * releases their leases so another worker takes them at once. Safe before start and twice.
   */
  async stop(grace = 30_000): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    if (this.#inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#inflight.values()].map((f) => f.done)),
        new Promise<void>((r) => (timer = setTimeout(r, grace))),
      ]);
      clearTimeout(timer);
    }
    let released = 0;
    const left = [...this.#inflight.values()];
    if (left.length > 0) {
      for (const f of left) f.abort.abort(new ShutdownError());
      try {
        released = await releaseRuns(
          this.#o.db,
          left.map((f) => f.run),
          this.#o.clock.now(),
        );
        for (const f of left) this.#o.events.emit('run:released', { run: f.run });
      } catch (e) {
        // Their leases expire on their own; another worker then claims them again.
        this.#o.logger.warn({ err: errorMessage(e) }, 'releasing leases failed');
      }
      await Promise.allSettled(left.map((f) => f.done));
    }
    this.#stopHeartbeat();
    this.#o.events.emit('runner:stopped', { released });
  }

  #free(): number {
    return this.#o.workers - this.#inflight.size;
  }

  #countJob(job: string): number {
    let n = 0;
    for (const f of this.#inflight.values()) if (f.run.job === job) n++;
    return n;
  }

  #claimPairs(now: number): ClaimPair[] {
    const scope = this.#o.scope;
    const out: ClaimPair[] = [];
    for (const p of this.#o.pairs) {
      let upper = pairUpper(p, this.#o.upperAt ?? now);
      if (scope?.to !== undefined) upper = Math.min(upper, scope.to);
      let inPair = 0;
      for (const f of this.#inflight.values()) if (f.pair === p) inPair++;
      out.push({
        job: p.def.name,
        tenantId: p.tenant.id,
        upper,
        ...(scope?.from === undefined ? {} : { minFrom: scope.from }),
        sequential: p.def.sequential === true,
        limit: Math.max(0, p.settings.concurrency - inPair),
        after: p.after,
      });
    }
    return out;
  }

  #launch(run: ClaimedRun): void {
    const pair = this.#o.pairs.find((p) => p.def.name === run.job && p.tenant.id === run.tenantId);
    if (!pair) throw new Error(`claimed a window of an unknown pair ${run.job}/${run.tenantId}`);
    this.#o.events.emit('run:claimed', { run });
    const abort = new AbortController();
    const entry = { run, pair, abort } as InFlight;
    entry.done = executeRun(this.#o, run, pair, abort).then(
      (outcome) => outcome,
      (e: unknown) => {
        const error = coerceError(e);
        this.#setFatal(error instanceof OutcomeWriteError ? error : new OutcomeWriteError(error));
        return 'lost' as Outcome;
      },
    );
    this.#inflight.set(run.runId, entry);
    void entry.done.then((outcome) => {
      this.#outcomes[outcome]++;
      this.#inflight.delete(run.runId);
      this.#version++;
      this.#changed?.();
      this.#wake?.();
    });
  }

  #setFatal(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = error;
    this.#stopping = true;
    this.#o.logger.fatal({ err: error.message }, 'stopping the worker pool: the queue may be inconsistent');
    this.#o.events.emit('runner:fatal', { error });
    this.#version++;
    this.#wake?.();
    this.#changed?.();
  }

  #nextChange(seen: number): Promise<void> {
    if (this.#version !== seen) return Promise.resolve();
    return new Promise<void>((r) => {
      this.#changed = () => {
        this.#changed = undefined;
        r();
      };
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let n = 0;
      try {
        n = await this.claimOnce();
      } catch (e) {
        this.#o.logger.warn({ err: errorMessage(e) }, 'claim failed; retrying after the poll interval');
      }
      if (n > 0 && this.#free() > 0) continue;
      await new Promise<void>((r) => {
        const done = () => {
          clearTimeout(t);
          this.#wake = undefined;
          r();
        };
        const t = setTimeout(done, this.#o.pollInterval);
        this.#wake = done;
      });
    }
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    const every = Math.max(50, Math.floor(this.#o.lease / 3));
    this.#heartbeat = setInterval(() => void this.#beat(), every);
    this.#heartbeat.unref?.();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  async #beat(): Promise<void> {
    const runs = [...this.#inflight.values()].map((f) => f.run);
    if (runs.length === 0) return;
    try {
      const lost = await extendLeases(this.#o.db, runs, this.#o.clock.now(), this.#o.lease);
      for (const run of lost) this.#inflight.get(run.runId)?.abort.abort(new LeaseLostError(run.runId));
    } catch (e) {
      this.#o.logger.warn({ err: errorMessage(e) }, 'lease heartbeat failed');
    }
  }
}
