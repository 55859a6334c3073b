import type { RetryPolicy } from './types.js';

/**
 * The one place a retry delay is computed: exponential in the attempt that just failed, capped,
 * with "equal jitter" (half fixed, half random) so that windows that failed together (a source
 * outage) do not all come back in the same instant. The result is stored as the run's `run_after`.
 *
 * @param attempt the attempt that failed, 1-based
 * @param random a number in [0, 1); injected so tests are deterministic
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = policy.base * Math.pow(policy.factor, Math.max(0, attempt - 1));
  const capped = Math.min(policy.max, exp);
  const half = capped / 2;
  return Math.round(half + random() * half);
}
