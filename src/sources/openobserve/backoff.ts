import type { RetryPolicy } from './config.js';

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of
 * many windows spread out but never collapse to zero. attempt = 1 for the first retry.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, rand: () => number): number {
  const step = Math.min(policy.max_delay, policy.initial_delay * 2 ** (attempt - 1));
  return Math.round(step / 2 + rand() * (step / 2));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3) → ms from `now`; undefined if unusable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h) * 1000;
  const at = Date.parse(h);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
