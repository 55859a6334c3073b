import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Dataset, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import type { Tenant } from '../../core/tenant.js';
import type { Window } from '../../core/window.js';
import type { SourceLogger } from '../logger.js';
import { recordFromOoRow } from '../normalize/oo-rows.js';
import { isPlainObject } from '../normalize/values.js';
import type { MetricAggregate, Source, SourceLocation } from '../source.js';
import type { OpenObserveConfig } from './config.js';
import { describeTarget, OoPermanentError, type OoTarget } from './errors.js';
import { OoHttp, type OoHttpOptions } from './http.js';
import { pushdownStream } from './pushdown.js';
import { countRows, searchHits } from './search.js';
import { readRange } from './window-reader.js';

/** ZO_QUERY_DEFAULT_LIMIT: older OO releases cut results there without a warning (#10486). */
const SILENT_CAP = 1000;

export interface OpenObserveDeps {
  clock: Clock;
  logger?: SourceLogger;
  /** Where secrets are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Test hooks for the retry loop. */
  sleep?: OoHttpOptions['sleep'];
  random?: OoHttpOptions['random'];
}

/**
 * Reads a tenant's logs, metrics or traces for a window through OpenObserve's `_search` API,
 * page by page (memory stays bounded by the page size), normalizing each row at the edge.
 */
export class OpenObserveSource implements Source {
  readonly kind = 'openobserve';
  readonly #c: OpenObserveConfig;
  readonly #http: OoHttp;
  readonly #deps: OpenObserveDeps;
  #metricStreams: { at: number; names: string[] } | undefined;

  constructor(config: OpenObserveConfig, deps: OpenObserveDeps) {
    const env = deps.env ?? process.env;
    const user = config.user ?? env[config.user_env!];
    const password = env[config.password_env];
    const problems: string[] = [];
    if (!user) problems.push(`source.user_env: environment variable ${config.user_env} is not set`);
    if (!password)
      problems.push(
        `source.password_env: environment variable ${config.password_env} is not set (it holds the OO password or service-account token)`,
      );
    if (problems.length > 0) throw new ConfigError(problems.join('; '), problems);
    this.#c = config;
    this.#deps = deps;
    const http: OoHttpOptions = {
      url: config.url,
      org: config.org,
      user: user!,
      password: password!,
      timeoutMs: config.request_timeout,
      retry: config.retry,
      clock: deps.clock,
    };
    if (deps.logger) http.logger = deps.logger;
    if (deps.sleep) http.sleep = deps.sleep;
    if (deps.random) http.random = deps.random;
    this.#http = new OoHttp(http);
  }

  location(_tenant: Tenant, dataset: Dataset): SourceLocation {
    const s = this.#c.streams;
    const key = dataset === 'metrics' ? (s.metrics === 'all' ? '*' : s.metrics.join(',')) : s[dataset];
    return { bucket: this.#c.org, objectKey: key };
  }

  async *stream(
    _tenant: Tenant,
    dataset: Dataset,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord> {
    const streams = dataset === 'metrics' ? await this.#metricStreamNames(signal) : [this.#c.streams[dataset]];
    for (const stream of streams) {
      for await (const hits of this.#rows(dataset, stream, w, signal)) {
        for (const h of hits) {
          const r = recordFromOoRow(dataset, h, stats, stream, w);
          if (r !== undefined) yield r;
        }
      }
    }
  }

  /** Aggregation push-down (pushdown.ts): one GROUP BY query per metric stream and window. */
  async *aggregateMetrics(
    _tenant: Tenant,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<MetricAggregate> {
    for (const stream of await this.#metricStreamNames(signal)) {
      const target: OoTarget = { url: this.#c.url, org: this.#c.org, type: 'metrics', stream };
      const groups = await pushdownStream(
        this.#http,
        stream,
        w,
        this.#c.pushdown_max_groups,
        stats,
        target,
        this.#c.request_timeout,
        signal,
      );
      yield* groups;
    }
  }

  #rows(type: Dataset, stream: string, w: Window, signal?: AbortSignal): AsyncGenerator<unknown[]> {
    const target: OoTarget = { url: this.#c.url, org: this.#c.org, type, stream };
    const timeout = this.#c.request_timeout;
    const http = this.#http;
    return readRange(
      {
        page: (startUs, endUs, size) =>
          searchHits(http, { type, stream, startUs, endUs, size }, target, timeout, signal),
        count: (startUs, endUs) => countRows(http, { type, stream, startUs, endUs }, target, timeout, signal),
      },
      // OO's time range is in microseconds: [from, to) in ms → [from·1000, to·1000) in µs.
      w.from * 1000,
      w.to * 1000,
      {
        pageSize: this.#c.page_size,
        sliceUs: this.#c.slice * 1000,
        maxRowsPerInstant: this.#c.max_rows_per_instant,
        confirmShort: async (startUs, endUs, hits) => {
          if (hits.length !== SILENT_CAP || this.#c.page_size <= SILENT_CAP) return true;
          const n = await countRows(http, { type, stream, startUs, endUs }, target, timeout, signal);
          if (n <= hits.length) return true;
          this.#deps.logger?.warn(
            { org: this.#c.org, stream, type, returned: hits.length, matching: n, page_size: this.#c.page_size },
            'openobserve capped a page at 1,000 rows without saying so; reading on from its last row (set page_size: 1000 to avoid the extra count)',
          );
          return false;
        },
        onTooManyAtInstant: (t, n) =>
          new OoPermanentError(
            'oo_too_many_at_instant',
            `${describeTarget(target)}: ${n} rows share the timestamp ${t} µs, more than max_rows_per_instant`,
          ),
      },
    );
  }

  /** The metric streams to read: configured, or discovered (and cached for discovery_ttl). */
  async #metricStreamNames(signal?: AbortSignal): Promise<string[]> {
    const m = this.#c.streams.metrics;
    if (m !== 'all') return m;
    const now = this.#deps.clock.now();
    if (this.#metricStreams && now - this.#metricStreams.at < this.#c.discovery_ttl) return this.#metricStreams.names;
    const target: OoTarget = { url: this.#c.url, org: this.#c.org, type: 'metrics' };
    const names = await this.#http.call(
      { method: 'GET', path: 'streams', params: { type: 'metrics', fetchSchema: 'false' }, target },
      (json) => {
        const list = isPlainObject(json) ? json['list'] : undefined;
        if (!Array.isArray(list))
          throw new OoPermanentError(
            'oo_bad_response',
            `${describeTarget(target)}: streams list answer has no 'list' array`,
          );
        return list
          .map((s) => (isPlainObject(s) ? s['name'] : undefined))
          .filter((n): n is string => typeof n === 'string')
          .sort();
      },
      signal,
    );
    this.#metricStreams = { at: now, names };
    this.#deps.logger?.debug({ org: this.#c.org, streams: names.length }, 'discovered metric streams');
    return names;
  }
}

export function createOpenObserveSource(config: OpenObserveConfig, deps: OpenObserveDeps): OpenObserveSource {
  return new OpenObserveSource(config, deps);
}
