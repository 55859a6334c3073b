import type { Clock } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import { parseJsonKeepingBigInts } from '../normalize/json-bigint.js';
import type { SourceLogger } from '../logger.js';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import type { RetryPolicy } from './config.js';
import { describeTarget, OoPermanentError, type OoTarget, OoTransientError, RetryableError } from './errors.js';

export interface OoHttpOptions {
  url: string;
  org: string;
  user: string;
  password: string;
  timeoutMs: number;
  retry: RetryPolicy;
  clock: Clock;
  logger?: SourceLogger;
  /** Waits between attempts; injectable so tests can observe delays without sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface OoRequest {
  method: 'GET' | 'POST';
  /** Path below /api/{org}/, e.g. `_search`. */
  path: string;
  params?: Record<string, string>;
  body?: unknown;
  target: OoTarget;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * OpenObserve's HTTP API over Node's fetch: Basic auth, JSON bodies, a timeout per request,
 * retries with backoff and jitter on 408/429/5xx, network errors and unusable answers (honouring
 * Retry-After), and errors that say which org and stream failed and what to check.
 */
export class OoHttp {
  readonly #o: OoHttpOptions;
  readonly #auth: string;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(o: OoHttpOptions) {
    this.#o = o;
    this.#auth = 'Basic ' + Buffer.from(`${o.user}:${o.password}`).toString('base64');
    this.#sleep = o.sleep ?? abortableSleep;
    this.#random = o.random ?? Math.random;
  }

  /**
   * Sends a request and passes the parsed JSON to `accept`, which returns the result or throws a
   * RetryableError for an answer that should be fetched again (truncated, stale, inconsistent).
   */
  async call<T>(req: OoRequest, accept: (json: unknown) => T, signal?: AbortSignal): Promise<T> {
    const { retry } = this.#o;
    let last: RetryableError | undefined;
    for (let attempt = 1; attempt <= retry.max_attempts; attempt++) {
      try {
        const json = await this.#once(req, signal);
        return accept(json);
      } catch (e) {
        if (!(e instanceof RetryableError)) throw e;
        last = e;
      }
      if (attempt === retry.max_attempts) break;
      let delay = backoffDelay(attempt, retry, this.#random);
      if (last.retryAfterMs !== undefined) {
        if (last.retryAfterMs > retry.max_delay) {
          throw new OoTransientError(
            'oo_rate_limited',
            `${describeTarget(req.target)}: ${last.message}; the server asks to wait ${Math.ceil(last.retryAfterMs / 1000)}s (Retry-After), more than retry.max_delay — the window will be retried later`,
            last.status,
          );
        }
        delay = Math.max(delay, last.retryAfterMs);
      }
      this.#o.logger?.warn(
        {
          org: this.#o.org,
          stream: req.target.stream,
          attempt,
          delay_ms: delay,
          status: last.status,
          err: last.message,
        },
        'openobserve request failed, retrying',
      );
      await this.#sleep(delay, signal);
    }
    throw new OoTransientError(
      'oo_unavailable',
      `${describeTarget(req.target)}: ${req.method} ${req.path} failed after ${retry.max_attempts} attempts: ${last?.message ?? 'unknown error'}`,
      last?.status,
      { cause: last },
    );
  }

  async #once(req: OoRequest, signal?: AbortSignal): Promise<unknown> {
    const { url, org, timeoutMs } = this.#o;
    const q = new URLSearchParams(req.params ?? {}).toString();
    const href = `${url.replace(/\/+$/, '')}/api/${encodeURIComponent(org)}/${req.path}${q ? `?${q}` : ''}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(href, {
        method: req.method,
        headers: { authorization: this.#auth, 'content-type': 'application/json', accept: 'application/json' },
        body: req.body === undefined ? null : JSON.stringify(req.body),
        signal: combined,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new RetryableError(`no answer within ${timeoutMs} ms (request_timeout)`);
      throw new RetryableError(`network error: ${causeMessage(e)}`);
    }
    if (res.ok) {
      try {
        return parseJsonKeepingBigInts(text);
      } catch (e) {
        throw new RetryableError(
          `unparseable JSON in a ${res.status} answer (${text.length} bytes, truncated?): ${errorMessage(e)}`,
          res.status,
        );
      }
    }
    throw this.#failure(req, res, text);
  }

  #failure(req: OoRequest, res: Response, text: string): Error {
    const where = describeTarget(req.target);
    const status = res.status;
    let ooCode: number | undefined;
    let message = text.trim().slice(0, 500);
    try {
      const body = JSON.parse(text) as { code?: unknown; message?: unknown; error_detail?: unknown };
      if (typeof body.code === 'number') ooCode = body.code;
      if (typeof body.message === 'string')
        message =
          body.message + (typeof body.error_detail === 'string' && body.error_detail ? `: ${body.error_detail}` : '');
    } catch {
      // plain-text body (auth errors, axum extractor errors)
    }
    const detail = `HTTP ${status}${ooCode !== undefined && ooCode !== status ? ` (OO code ${ooCode})` : ''}: ${message || res.statusText}`;
    if (RETRYABLE_STATUS.has(status))
      return new RetryableError(detail, status, parseRetryAfter(res.headers.get('retry-after'), this.#o.clock.now()));
    switch (status) {
      case 401:
        return new OoPermanentError(
          'oo_unauthorized',
          `${where}: 401 Unauthorized — check the user '${this.#o.user}' and the password or service-account token in the env var named by password_env (OO rejects ingestion tokens on _search)`,
          status,
        );
      case 403:
        return new OoPermanentError(
          'oo_forbidden',
          `${where}: 403 Forbidden — user '${this.#o.user}' may not search this org/stream (${message})`,
          status,
        );
      case 404:
        return new OoPermanentError(
          'oo_not_found',
          `${where}: 404 Not Found for ${req.method} /api/${this.#o.org}/${req.path} — check url (OO's root, without /api) and org (${message})`,
          status,
        );
    }
    if (ooCode === 20002)
      return new OoPermanentError(
        'oo_stream_not_found',
        `${where}: stream not found (OO code 20002: ${message}) — check streams.* in the source config`,
        status,
        ooCode,
      );
    if (ooCode !== undefined && ooCode >= 20000)
      return new OoPermanentError('oo_query_rejected', `${where}: query rejected, ${detail}`, status, ooCode);
    return new OoPermanentError('oo_request_rejected', `${where}: ${detail}`, status, ooCode);
  }
}

function causeMessage(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return errorMessage(e) + cause;
}
