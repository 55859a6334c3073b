import type { Dataset, MetricPoint, TelemetryRecord } from '../core/records.js';
import type { RejectStats } from '../core/reject-stats.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';

/** Where a tenant's raw rows of one dataset live, for oo_locator: an OO org or S3 bucket, and a stream or key prefix. */
export interface SourceLocation {
  bucket: string;
  objectKey: string;
}

/**
 * Reads the raw records of one tenant, dataset and window. Records outside [w.from, w.to) are dropped;
 * records that cannot be normalized are counted in `stats` and skipped, never thrown. Errors that
 * prevent reading the window at all (auth, unreachable, partial results) are thrown, failing the window.
 */
export interface Source {
  readonly kind: string;
  stream(
    tenant: Tenant,
    dataset: Dataset,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord>;
  location(tenant: Tenant, dataset: Dataset): SourceLocation;
  close?(): Promise<void>;
  /**
   * Aggregation push-down (optional; OpenObserve only): the window's metric points already
   * aggregated by the source per minute bucket and series. See sources/openobserve/pushdown.ts.
   */
  aggregateMetrics?(
    tenant: Tenant,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<MetricAggregate>;
}

/** One pushed-down group: a series' minute bucket (`point.ts` = bucket start, `point.value` unused). */
export interface MetricAggregate {
  point: MetricPoint;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** The source's p95 (OpenObserve: approx_percentile_cont, a t-digest estimate). */
  p95: number;
}
