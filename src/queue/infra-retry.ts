/**
 * A small retry for the queue's own writes, kept apart from job retries: only failures that a
 * second try can fix (serialization failure, deadlock, server starting up, dropped connection).
 * Any other error propagates at once.
 */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P03', '08000', '08003', '08006']);
const RETRYABLE_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function isTransientDbError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (RETRYABLE_SQLSTATES.has(code) || RETRYABLE_ERRNOS.has(code))) return true;
  const msg = e instanceof Error ? e.message : '';
  return /Connection terminated|connection .*closed/i.test(msg);
}

export interface InfraRetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function withInfraRetry<T>(fn: () => Promise<T>, opts: InfraRetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 100;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !isTransientDbError(e)) throw e;
      await sleep(Math.min(5_000, base * 2 ** (i - 1)) * (0.5 + Math.random() / 2));
    }
  }
}
