/**
 * `observebridge run --threads N` (or `scheduler.threads: N`): one process, N JavaScript threads.
 * The main thread keeps its Runtime (scheduler, workers, HTTP); N-1 worker threads (thread-entry.ts)
 * each open their own pg pool and Runtime and claim windows from the same PostgreSQL queue, whose
 * claims (SKIP LOCKED, leases, sequential pairs) are already safe across processes. Window work is
 * CPU-bound JavaScript (Drain, sketches), so one thread held every window of the process to one core.
 *
 * A worker thread that dies (an uncaught error, its pool turned fatal, an exit nobody asked for)
 * fails the process, like the main thread's own fatal runner error: the rest stop gracefully and
 * `run` exits 1, saying which thread died and why. Its windows come back to the queue when their
 * leases expire. Restarting it in place would hide a bug that is likely to kill it again (the same
 * config, the same data); a supervisor restarts the process with a clean state.
 */
import { Worker } from 'node:worker_threads';
import type { ParsedConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { SCHEDULER_DEFAULTS } from '../scheduler/settings.js';
import { isServerUrl } from '../db/open.js';
import type { Logger } from '../obs/logger.js';
import type { OnceSummary, RunOnceOptions, Runtime } from './runtime.js';
import type { FromThread, ThreadData, ThreadMode, ThreadSpec, ToThread } from './thread-protocol.js';

export type { ThreadSpec } from './thread-protocol.js';

export const MAX_THREADS = 64;

/**
 * Windows in flight per thread: `scheduler.workers` stays the process's total, shared out. Each
 * thread claims greedily for its free slots, so a thread with as many slots as the whole process
 * took most windows (37 of 48 in bench/threads at 4 slots each) and kept both tenants' sequential
 * log windows to itself while the other thread idled.
 */
export function workersPerThread(config: ParsedConfig, threads: number): number {
  return Math.max(1, Math.ceil((config.scheduler.workers ?? SCHEDULER_DEFAULTS.workers) / threads));
}

/** How long a stopped thread may take past its grace before it is terminated. */
const EXIT_MARGIN_MS = 15_000;

/**
 * Threads over 1 need a server: PGlite is one database inside one thread's memory, which no other
 * thread can open (the same directory opened twice corrupts it). Rejected, not lowered to 1: a
 * process asked to use N cores that silently uses one is a misconfiguration found too late.
 */
export function checkThreads(threads: number, dbTarget: string, field: string): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new ConfigError(`${field}: must be an integer from 1 to ${MAX_THREADS} (got ${threads})`);
  if (threads > 1 && !isServerUrl(dbTarget))
    throw new ConfigError(
      `${field}: ${threads} threads need a PostgreSQL server (database.url, DATABASE_URL or --db postgres://…); ` +
        'the embedded PGlite database lives in one thread and cannot be shared: use 1',
    );
}

interface Slot {
  index: number;
  worker: Worker;
  summary?: OnceSummary;
  /** A stop was asked (or, once, its summary came): its exit is expected. */
  ending: boolean;
  exited: Promise<void>;
}

/** The worker threads of one `run`, wired to the main thread's Runtime. */
export class ThreadPool {
  readonly #slots: Slot[] = [];
  readonly #logger: Logger;
  #failure: Error | undefined;
  #failed: ((e: Error) => void)[] = [];
  #stopping: Promise<void> | undefined;
  readonly #offs: (() => void)[] = [];

  private constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `count` worker threads (numbered 1..count) beside `main`; returns at once. */
  static start(main: Runtime, count: number, spec: ThreadSpec, mode: ThreadMode): ThreadPool {
    const pool = new ThreadPool(main.logger);
    // Work freed or added in one thread is claimable by the others now, not after their poll.
    for (const e of ['run:succeeded', 'run:failed', 'run:dead', 'run:lost', 'run:released'] as const)
      pool.#offs.push(main.events.on(e, () => pool.wake()));
    pool.#offs.push(
      main.events.on('scheduler:tick', (t) => {
        if (t.enqueued + t.revisits + t.expired > 0) pool.wake();
      }),
    );
    for (let index = 1; index <= count; index++) pool.#spawn(main, index, spec, mode);
    return pool;
  }

  /** The first thread failure (undefined while all are well). */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Calls `fn` once with the first thread failure (at once if there was one). */
  onFailure(fn: (e: Error) => void): void {
    if (this.#failure) fn(this.#failure);
    else this.#failed.push(fn);
  }

  /** Wakes every thread's claim loop (except `except`). */
  wake(except?: number): void {
    for (const s of this.#slots) if (s.index !== except && !s.ending) this.#post(s, { type: 'wake' });
  }

  /** `once`: every thread's summary (undefined for one that died before it had one) once all ended. */
  async summaries(): Promise<(OnceSummary | undefined)[]> {
    await Promise.all(this.#slots.map((s) => s.exited));
    return this.#slots.map((s) => s.summary);
  }

  /** Asks every thread to stop (running windows get `grace` ms, then are released) and waits for them. */
  stop(grace: number): Promise<void> {
    this.#stopping ??= (async () => {
      for (const s of this.#slots) {
        if (s.ending) continue;
        s.ending = true;
        this.#post(s, { type: 'stop', grace });
      }
      await Promise.all(
        this.#slots.map(async (s) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), grace + EXIT_MARGIN_MS)));
          if ((await Promise.race([s.exited, late])) === 'late') {
            this.#logger.warn({ thread: s.index }, 'thread did not end after its grace: terminated');
            await s.worker.terminate();
          }
          clearTimeout(timer);
        }),
      );
      for (const off of this.#offs) off();
    })();
    return this.#stopping;
  }

  #spawn(main: Runtime, index: number, spec: ThreadSpec, mode: ThreadMode): void {
    const data: ThreadData = { spec, mode, index };
    const worker = new Worker(new URL('./thread-entry.js', import.meta.url), { workerData: data });
    let error: Error | undefined;
    const slot: Slot = {
      index,
      worker,
      ending: false,
      exited: new Promise<void>((resolve) =>
        worker.on('exit', (code) => {
          if (error || code !== 0 || !slot.ending)
            this.#fail(index, error ?? new Error(`exited with code ${code} while it should be running`));
          resolve();
        }),
      ),
    };
    worker.on('error', (e) => (error = e));
    worker.on('message', (m: FromThread) => {
      switch (m.type) {
        case 'ready':
          this.#logger.info({ thread: index, worker: m.workerId }, 'worker thread running');
          break;
        case 'ended':
          main.wake();
          this.wake(index);
          break;
        case 'summary':
          slot.summary = m.summary;
          slot.ending = true;
          break;
        case 'fatal':
          this.#fail(index, new Error(m.message));
          break;
      }
    });
    this.#slots.push(slot);
  }

  #post(slot: Slot, m: ToThread): void {
    slot.worker.postMessage(m);
  }

  #fail(index: number, e: Error): void {
    this.#logger.error({ thread: index, err: e.message }, 'worker thread died: stopping the process');
    if (this.#failure) return;
    this.#failure = new Error(`worker thread ${index} died: ${e.message}`);
    for (const fn of this.#failed.splice(0)) fn(this.#failure);
  }
}

/** A threaded `run --once`: the main thread's summary and each worker thread's. */
export interface ThreadedSummary extends OnceSummary {
  threads: number;
  /** Per thread (0 = main): its own runs; null for a thread that died without a summary. */
  per_thread: (Pick<OnceSummary, 'succeeded' | 'failed' | 'dead'> | null)[];
  /** Set when a worker thread died: the process failed. */
  error?: string;
}

export function mergeSummaries(
  main: OnceSummary,
  threads: readonly (OnceSummary | undefined)[],
  failure?: Error,
): ThreadedSummary {
  const all = [main, ...threads];
  const sum = (k: 'succeeded' | 'failed' | 'dead') => all.reduce((a, s) => a + (s?.[k] ?? 0), 0);
  // Every thread drained the same windows (one instant, one shard): the last to look saw the rest.
  const unfinished = Math.max(...all.map((s) => s?.unfinished ?? 0));
  const dead = sum('dead');
  return {
    succeeded: sum('succeeded'),
    failed: sum('failed'),
    dead,
    unfinished,
    ok: !failure && unfinished === 0 && dead === 0 && all.every((s) => s?.ok === true),
    threads: all.length,
    per_thread: all.map((s) => (s ? { succeeded: s.succeeded, failed: s.failed, dead: s.dead } : null)),
    ...(failure ? { error: failure.message } : {}),
  };
}

/**
 * `run --once` over `threads` threads: the main thread enqueues every window due now, then it and
 * threads-1 worker threads drain them together; each ends when none is left in scope (its own or
 * another thread's). `opts.tick: false` (tests, benches): only what is already queued. `stop` (a signal) stops them all; a dead thread stops the rest.
 */
export function runOnceThreaded(
  runtime: Runtime,
  threads: number,
  spec: ThreadSpec,
  opts: RunOnceOptions = {},
): { result: Promise<ThreadedSummary>; stop(grace: number): Promise<void> } {
  let pool: ThreadPool | undefined;
  let stopAsked: number | undefined;
  const stop = async (grace: number) => {
    stopAsked ??= grace;
    await Promise.all([runtime.stop(grace), pool?.stop(grace)]);
  };
  const result = (async () => {
    const at = opts.at ?? runtime.clock.now();
    if (opts.tick ?? true) await runtime.enqueueDue();
    if (stopAsked !== undefined) throw new Error('stopped before the windows ran');
    pool = ThreadPool.start(runtime, threads - 1, spec, { kind: 'once', at });
    pool.onFailure(() => void stop(spec.grace));
    const mine = await runtime.runOnce({ tick: false, at });
    const theirs = await pool.summaries();
    return mergeSummaries(mine, theirs, pool.failure);
  })();
  return { result, stop };
}
