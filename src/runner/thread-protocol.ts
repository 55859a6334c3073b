/**
 * What the main thread of `observebridge run` and its worker threads (thread-entry.ts) tell each
 * other. Everything here crosses a thread boundary by structured clone: plain data only.
 */
import type { Shard } from '../scheduler/shard.js';
import type { SchedulerSettings } from '../scheduler/settings.js';
import type { OnceSummary } from './runtime.js';

/** How a worker thread opens its database and builds its Runtime (the same config as the main one). */
export interface ThreadSpec {
  configPath: string;
  /** A postgres:// URL: each thread opens its own pool (PGlite cannot be shared: see threads.ts). */
  dbTarget: string;
  /** Tables live in this schema (tests). */
  schema?: string;
  shard?: Shard;
  /** Overrides of the config's scheduler block (tests: short leases, few workers). */
  scheduler?: Partial<SchedulerSettings>;
  pollInterval?: number;
  /** How long running windows may finish after a stop (`--grace`); also the end of a `--once`. */
  grace: number;
}

/** `once`: drain the windows due at `at` (the main thread enqueued them), then end. `serve`: until stopped. */
export type ThreadMode = { kind: 'once'; at: number } | { kind: 'serve' };

export interface ThreadData {
  spec: ThreadSpec;
  mode: ThreadMode;
  /** 1..N-1 (the main thread is 0): in the worker id and every log line of the thread. */
  index: number;
}

export type ToThread = { type: 'wake' } | { type: 'stop'; grace: number };

export type FromThread =
  | { type: 'ready'; workerId: string }
  /** A window of this thread ended or was released: a sequential pair's next one may be claimable. */
  | { type: 'ended' }
  | { type: 'summary'; summary: OnceSummary }
  /** The thread's worker pool turned fatal (an outcome could not be recorded). */
  | { type: 'fatal'; message: string };
