import type { ParsedConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, ObserveBridgeError, PermanentError } from '../core/errors.js';
import { RejectStats } from '../core/reject-stats.js';
import { windowLabel } from '../core/windows.js';
import type { Db } from '../db/types.js';
import type { JobContext, JobResult } from '../jobs/job.js';
import type { Logger } from '../obs/logger.js';
import { retryDelay } from '../queue/backoff.js';
import { LeaseLostError, RunTimeoutError, ShutdownError } from '../queue/errors.js';
import { markFailed } from '../queue/fail.js';
import { isTransientDbError, withInfraRetry } from '../queue/infra-retry.js';
import { markSuccess, type SucceedResult } from '../queue/succeed.js';
import type { ClaimedRun } from '../queue/types.js';
import type { WorkPair } from '../scheduler/pairs.js';
import { abortable, coerceError } from './abortable.js';
import type { RunnerEvents } from './events.js';
import type { SourceResolver } from './sources.js';

export interface ExecuteEnv {
  db: Db;
  clock: Clock;
  config: ParsedConfig;
  logger: Logger;
  events: RunnerEvents;
  sources: SourceResolver;
  random: () => number;
}

export type Outcome = 'success' | 'failed' | 'dead' | 'lost' | 'interrupted';

/** A run in flight: the abort controller lets the pool time it out, interrupt it, or drop it. */
export interface InFlight {
  run: ClaimedRun;
  pair: WorkPair;
  abort: AbortController;
  done: Promise<Outcome>;
}

/** Thrown when recording an outcome failed: the queue may be inconsistent, the pool must stop. */
export class OutcomeWriteError extends Error {
  constructor(cause: unknown) {
    super(`recording a run outcome failed: ${errorMessage(cause)}`, { cause });
    this.name = 'OutcomeWriteError';
  }
}

/**
 * Runs one claimed window: builds its JobContext, enforces the timeout, and records the outcome.
 * Success is written by the job inside its own transaction (ctx.complete); a job that returns
 * without calling it is completed here in a transaction of its own. A failure is recorded with the
 * backoff; a lost lease or an interruption records nothing (the new owner, or release, does).
 */
export async function executeRun(
  env: ExecuteEnv,
  run: ClaimedRun,
  pair: WorkPair,
  abort: AbortController,
): Promise<Outcome> {
  const started = Date.now();
  const { db, clock, events } = env;
  const logger = env.logger.child({
    job: run.job,
    tenant: pair.tenant.code,
    window: windowLabel(run),
    run_id: run.runId,
  });
  const timer = setTimeout(() => abort.abort(new RunTimeoutError(pair.settings.timeout)), pair.settings.timeout);
  let succeeded: SucceedResult | undefined;
  const ctx: JobContext = {
    db,
    clock,
    logger,
    config: env.config,
    source: (t) => env.sources.get(t),
    signal: abort.signal,
    stats: new RejectStats(),
    options: pair.settings.options,
    async complete(tx, result) {
      // Once the pool gave the run up (timeout, shutdown, lost lease) its writes must not commit.
      if (abort.signal.aborted) throw abort.signal.reason as Error;
      succeeded = await markSuccess(tx, run, runStats(result, ctx.stats, Date.now() - started), clock.now());
    },
  };
  if (run.probe) events.emit('circuit:half_open', { job: run.job, tenantId: run.tenantId, runId: run.runId });
  try {
    const result = await abortable(pair.def.run(ctx, pair.tenant, { from: run.from, to: run.to }), abort.signal);
    if (!succeeded) await db.transaction((tx) => ctx.complete(tx, result));
    const durationMs = Date.now() - started;
    const previous = succeeded?.previousCircuit;
    if (previous === 'open' || previous === 'half_open')
      events.emit('circuit:closed', { job: run.job, tenantId: run.tenantId, previous });
    events.emit('run:succeeded', { run, result, durationMs });
    logger.info(
      { attempt: run.attempt, duration_ms: durationMs, rows: result.rowsWritten, read: result.recordsRead },
      'window succeeded',
    );
    return 'success';
  } catch (e) {
    const error = coerceError(e);
    if (error instanceof LeaseLostError) {
      events.emit('run:lost', { run, reason: error.message });
      logger.warn("lease lost; the window is another worker's now");
      return 'lost';
    }
    if (error instanceof ShutdownError) return 'interrupted';
    return await recordFailure(env, run, pair, error, Date.now() - started, logger);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A dropped connection or restarting server of our own database. Our typed errors (sources, jobs)
 * are never this, even when a socket error of theirs looks alike.
 */
function isDatabaseOutage(error: Error): boolean {
  return !(error instanceof ObserveBridgeError) && isTransientDbError(error);
}

async function recordFailure(
  env: ExecuteEnv,
  run: ClaimedRun,
  pair: WorkPair,
  error: Error,
  durationMs: number,
  logger: Logger,
): Promise<Outcome> {
  const now = env.clock.now();
  const permanent = error instanceof PermanentError;
  const runAfter = now + retryDelay(pair.settings.retry, run.attempt, env.random);
  let r;
  try {
    r = await withInfraRetry(() =>
      markFailed(env.db, run, {
        error: describe(error),
        permanent,
        runAfter,
        infrastructure: isDatabaseOutage(error),
        circuit: pair.settings.circuit,
        now,
      }),
    );
  } catch (writeError) {
    throw new OutcomeWriteError(writeError);
  }
  if (!r) {
    env.events.emit('run:lost', { run, reason: `failed after losing the lease: ${error.message}` });
    return 'lost';
  }
  if (r.circuit === 'open' && r.previousCircuit !== 'open') {
    env.events.emit('circuit:opened', {
      job: run.job,
      tenantId: run.tenantId,
      retryAt: r.circuitRetryAt,
      failures: r.consecutiveFailures,
    });
  }
  const fields = { attempt: run.attempt, max_attempts: run.maxAttempts, err: error.message, duration_ms: durationMs };
  if (r.status === 'dead') {
    env.events.emit('run:dead', { run, error, durationMs });
    logger.error({ ...fields, permanent }, 'window failed for good (dead)');
    return 'dead';
  }
  env.events.emit('run:failed', { run, error, runAfter: r.runAfter ?? runAfter, durationMs });
  logger.warn(
    { ...fields, retry_at: new Date(r.runAfter ?? runAfter).toISOString() },
    'window failed; retry scheduled',
  );
  return 'failed';
}

function describe(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return `${e.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${e.message}`;
}

function runStats(result: JobResult, stats: RejectStats, durationMs: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result, duration_ms: durationMs };
  if (out.rejected === undefined && stats.total > 0) out.rejected = stats.toJSON();
  return out;
}
