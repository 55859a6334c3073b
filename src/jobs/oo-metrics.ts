import { MetricsAggregator, type MetricRow } from '../agg/metrics.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { enterWindowWrite } from '../db/writers/chunk-gate.js';
import { ooQueryHint, replaceLocators, type LocatorInput } from '../db/writers/locators.js';
import { ResourceIdCache, upsertResources } from '../db/writers/resources.js';
import { replaceWindowRows } from '../db/writers/window-rows.js';
import { ConfigError } from '../core/errors.js';
import { DiscoveryCache } from '../discovery/cache.js';
import { discoveryStage } from '../discovery/stage.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';
import { feedRecords } from './read-records.js';

const MINUTE = 60_000;

export const METRIC_COLUMNS = [
  'bucket',
  'tenant_id',
  'resource_id',
  'metric',
  'avg_val',
  'max_val',
  'p95_val',
  'labels',
  'min_val',
  'count',
  'sum_val',
  'sketch',
] as const;

export interface OoMetricsOptions {
  /** Labels that identify a series (default: all but the resource's identity). */
  series_labels?: { include?: string[]; exclude?: string[] };
  max_series_per_metric?: number;
  /**
   * Aggregation push-down: ask the source (OpenObserve) for per-minute, per-series aggregates
   * (GROUP BY) instead of reading raw points. Same rows for counts, sums, min, max; p95 is OO's
   * approx_percentile_cont; no sketch. See src/sources/README.md.
   */
  pushdown?: boolean;
}

/** oo-metrics: metric points of a 1-minute window → metric_1m (+ dim_resource, one locator per metric). */
export function ooMetricsJob(cache = new ResourceIdCache()): JobDefinition {
  // What this job's windows recorded of recent debounce windows (caps a name's sets per debounce window).
  const discovered = new DiscoveryCache();
  return {
    name: 'oo-metrics',
    align: MINUTE,
    delay: 2 * MINUTE,
    alignMultipleOf: MINUTE,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const opts = ctx.options as OoMetricsOptions;
      const agg = new MetricsAggregator({
        window: w,
        rejects: ctx.stats,
        ...(opts.series_labels ? { seriesLabels: opts.series_labels } : {}),
        ...(opts.max_series_per_metric ? { maxSeriesPerMetric: opts.max_series_per_metric } : {}),
      });
      // Discovery sees the raw points only; with pushdown OO returns aggregates, so it records nothing.
      const disc = opts.pushdown === true ? undefined : discoveryStage(ctx, 'metric', w, { cache: discovered });
      let read: number;
      if (opts.pushdown === true) {
        const src = ctx.source(tenant);
        if (src.aggregateMetrics === undefined)
          throw new ConfigError(
            `config: jobs.oo-metrics.options.pushdown: tenant ${tenant.code}'s source (${src.kind}) cannot aggregate; only openobserve sources can`,
          );
        read = 0;
        for await (const a of src.aggregateMetrics(tenant, w, ctx.stats, ctx.signal)) {
          read++;
          agg.addAggregate(a);
        }
      } else
        read = await feedRecords(ctx, tenant, 'metrics', w, (p) => {
          agg.add(p);
          disc?.add(p);
        });
      const { rows, stats } = agg.finish();
      const loc = ctx.source(tenant).location(tenant, 'metrics');

      const { result, ids } = await ctx.db.transaction(async (tx) => {
        await enterWindowWrite(tx, { hypertable: 'metric_1m', window: w }); // before any write: lock order
        const ids = await upsertResources(
          tx,
          tenant.id,
          rows.map((r) => ({ urn: r.resourceUrn, attrs: r.resourceAttrs })),
          new Date(w.to),
          cache,
        );
        // Delete first so the locators of the previous run are no longer referenced.
        const metrics = [...new Set(rows.map((r) => r.metric))].sort();
        const locators: LocatorInput[] = metrics.map((m) => ({
          key: m,
          dataset: 'metrics',
          bucket: loc.bucket,
          objectKey: m,
          tFrom: w.from,
          tTo: w.to,
          queryHint: ooQueryHint(m, []),
          attributes: { kind: 'metric_stream', series: rows.filter((r) => r.metric === m).length },
        }));
        const written = await replaceWindowRows(
          tx,
          'metric_1m',
          tenant.id,
          w,
          METRIC_COLUMNS,
          rows.map((r) => metricRow(r, tenant.id, ids)),
        );
        await replaceLocators(tx, tenant.id, 'metrics', w, locators);
        const discovery = await disc?.write(tx, tenant.id);
        const result: JobResult = {
          recordsRead: { metrics: read },
          rejected: ctx.stats.toJSON(),
          rowsWritten: { metric_1m: written.inserted, oo_locator: locators.length },
          series: stats.series,
          overflowPoints: stats.overflowPoints,
          droppedPoints: stats.droppedPoints,
          ...(discovery ? { discovery } : {}),
        };
        await ctx.complete(tx, result);
        return { result, ids };
      });
      cache.commit(tenant.id, ids); // only after commit: a rolled-back insert leaves no stale id
      disc?.committed();
      return result;
    },
  };
}

function metricRow(r: MetricRow, tenantId: number, ids: ReadonlyMap<string, number>): unknown[] {
  return [
    new Date(r.bucket),
    tenantId,
    ids.get(r.resourceUrn),
    r.metric,
    r.avg,
    r.max,
    r.p95,
    r.labels,
    r.min,
    r.count,
    r.sum,
    r.sketch,
  ];
}
