import { ObserveBridgeError, PermanentError } from '../../core/errors.js';

/** What a request was about, so errors can name the org, dataset and stream. */
export interface OoTarget {
  url: string;
  org: string;
  type?: string;
  stream?: string;
}

export function describeTarget(t: OoTarget): string {
  const s = t.stream !== undefined ? ` stream '${t.stream}'${t.type ? ` (${t.type})` : ''}` : '';
  return `OpenObserve ${t.url} org '${t.org}'${s}`;
}

/** A request that will fail the same way again (auth, missing stream, invalid query). */
export class OoPermanentError extends PermanentError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    readonly ooCode?: number,
  ) {
    super(code, message);
  }
}

/** OO was unreachable, overloaded or inconsistent for all attempts; a later run may succeed. */
export class OoTransientError extends ObserveBridgeError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Thrown inside one attempt to ask for a retry (5xx, 429, timeouts, truncated or stale pages). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Server-requested wait (Retry-After), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
