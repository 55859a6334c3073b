/**
 * A small retry for the queue's own writes, kept apart from job retries: only failures that a
 * second try can fix. Two kinds, bounded differently:
 *
 * - contention (serialization failure, deadlock): a few more tries (`attempts`);
 * - the server is unreachable (connection refused or dropped, server shutting down or starting up:
 *   a restart, a crash and its recovery, a failover): waited out for up to `outageMs`. A restart
 *   takes seconds, and giving up sooner turned it into an OutcomeWriteError that stopped the worker
 *   pool (`run` exited 1, `run --once` 2) although nothing was inconsistent.
 *
 * Any other error propagates at once.
 */
const CONTENTION_SQLSTATES = new Set(['40001', '40P01']);
// 57P01 admin_shutdown (fast shutdown, pg_terminate_backend), 57P02 crash_shutdown (another backend
// crashed), 57P03 cannot_connect_now (starting up, shutting down), class 08 connection exceptions.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The database server cannot be reached or dropped the connection (node-postgres shapes included). */
export function isDbUnavailable(e: unknown): boolean {
  const code = errorCode(e);
  if (code !== undefined && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  const msg = e instanceof Error ? e.message : '';
  // node-postgres raises these without a code: a socket closed under a query, a client reused after
  // its connection failed, a pool connect timeout.
  return /Connection terminated|connection .*closed|not queryable|timeout exceeded when trying to connect/i.test(msg);
}

export function isTransientDbError(e: unknown): boolean {
  const code = errorCode(e);
  return (code !== undefined && CONTENTION_SQLSTATES.has(code)) || isDbUnavailable(e);
}

export interface InfraRetryOptions {
  /** Tries in all for contention errors. @defaultValue 5 */
  attempts?: number;
  /** How long an unreachable server is waited out, from its first failure, in ms. @defaultValue 60_000 */
  outageMs?: number;
  baseDelayMs?: number;
  /** Longest pause between tries: how soon a server back up is noticed. @defaultValue 1_000 */
  maxDelayMs?: number;
  /** Checked after each failure: true (the caller is shutting down) ends the retries with that failure. */
  cancelled?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function withInfraRetry<T>(fn: () => Promise<T>, opts: InfraRetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const outageMs = opts.outageMs ?? 60_000;
  const base = opts.baseDelayMs ?? 100;
  const maxDelay = opts.maxDelayMs ?? 1_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  let contention = 0;
  let outageSince: number | undefined;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (opts.cancelled?.()) throw e;
      if (isDbUnavailable(e)) {
        outageSince ??= now();
        if (now() - outageSince >= outageMs) throw e;
      } else if (isTransientDbError(e)) {
        if (++contention >= attempts) throw e;
      } else throw e;
      await sleep(Math.min(maxDelay, base * 2 ** Math.min(i - 1, 20)) * (0.5 + Math.random() / 2));
    }
  }
}
