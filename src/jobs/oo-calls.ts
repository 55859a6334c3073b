import { CallsAggregator, type CallRow } from '../agg/calls.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { enterWindowWrite } from '../db/writers/chunk-gate.js';
import { ooQueryHint, ooString, replaceLocators, type LocatorInput } from '../db/writers/locators.js';
import { ResourceIdCache, upsertResources, type ResourceInput } from '../db/writers/resources.js';
import { edgeTraceRows } from '../correlation/rows.js';
import { replaceEdgeTraces } from '../db/writers/trace-samples.js';
import { replaceWindowRows } from '../db/writers/window-rows.js';
import { DiscoveryCache } from '../discovery/cache.js';
import { discoveryStage } from '../discovery/stage.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';
import { feedRecords } from './read-records.js';

const MINUTE = 60_000;

export const CALL_COLUMNS = [
  'bucket',
  'tenant_id',
  'src_resource_id',
  'dst_resource_id',
  'rps',
  'err_rate',
  'p50_ms',
  'p95_ms',
  'sample_ref',
  'calls',
  'errors',
  'latency_sketch',
] as const;

export interface OoCallsOptions {
  /** How far past the window's edges spans are read to find a call's partner. @defaultValue 60s */
  pad_ms?: number;
  max_pending?: number;
  sample_trace_ids?: number;
}

/**
 * oo-calls: spans of [from − pad, to + pad) → service_call_5m rows for the calls whose client span
 * starts in [from, to), with one locator per edge pointing at its sample traces.
 */
export function ooCallsJob(cache = new ResourceIdCache()): JobDefinition {
  // What this job's windows recorded of recent debounce windows (caps a name's sets per debounce window).
  const discovered = new DiscoveryCache();
  return {
    name: 'oo-calls',
    align: 5 * MINUTE,
    delay: 2 * MINUTE,
    alignMultipleOf: 5 * MINUTE,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const opts = ctx.options as OoCallsOptions;
      const pad = opts.pad_ms ?? MINUTE;
      const corr = ctx.config.correlation;
      const agg = new CallsAggregator({
        window: w,
        padMs: pad,
        rejects: ctx.stats,
        traceSamples: corr.edge_samples,
        businessKeys: corr.attributes,
        ...(opts.max_pending ? { maxPending: opts.max_pending } : {}),
        ...(opts.sample_trace_ids ? { sampleTraceIds: opts.sample_trace_ids } : {}),
      });
      const disc = discoveryStage(ctx, 'span', w, { cache: discovered });
      const read = await feedRecords(ctx, tenant, 'traces', { from: w.from - pad, to: w.to + pad }, (s) => {
        agg.add(s);
        disc?.add(s);
      });
      const { rows, stats } = agg.finish();
      const loc = ctx.source(tenant).location(tenant, 'traces');

      const { result, ids } = await ctx.db.transaction(async (tx) => {
        await enterWindowWrite(tx, { hypertable: 'service_call_5m', window: w }); // before any write: lock order
        const resources: ResourceInput[] = [];
        for (const r of rows) {
          resources.push(
            { urn: r.srcUrn, type: r.srcType, attrs: r.srcAttrs },
            { urn: r.dstUrn, type: r.dstType, attrs: r.dstAttrs },
          );
        }
        const ids = await upsertResources(tx, tenant.id, resources, new Date(w.to), cache);
        const del = await replaceWindowRows(tx, 'service_call_5m', tenant.id, w, CALL_COLUMNS, []);
        const locators = rows.map((r) => edgeLocator(r, loc.bucket, loc.objectKey));
        const refs = await replaceLocators(tx, tenant.id, 'traces', w, locators);
        const n = await tx.copyRows(
          'service_call_5m',
          CALL_COLUMNS,
          rows.map((r) => callRow(r, tenant.id, ids, refs.get(edgeKey(r)) ?? null)),
        );
        const traces = await replaceEdgeTraces(tx, tenant.id, w, edgeTraceRows(rows, ids));
        const discovery = await disc?.write(tx, tenant.id);
        const result: JobResult = {
          recordsRead: { traces: read },
          rejected: ctx.stats.toJSON(),
          rowsWritten: { service_call_5m: n, oo_locator: locators.length, service_call_trace_5m: traces },
          replaced: del.deleted,
          calls: stats,
          ...(discovery ? { discovery } : {}),
        };
        await ctx.complete(tx, result);
        return { result, ids };
      });
      cache.commit(tenant.id, ids);
      disc?.committed();
      return result;
    },
  };
}

function edgeKey(r: CallRow): string {
  return `${r.bucket}\u0000${r.srcUrn}\u0000${r.dstUrn}`;
}

function serviceOf(attrs: Record<string, unknown>): string | undefined {
  const v = attrs['service.name'];
  return typeof v === 'string' ? v : undefined;
}

/** A locator for the raw spans behind one edge: its sample traces, with the edge's services named. */
function edgeLocator(r: CallRow, bucket: string, stream: string): LocatorInput {
  const services = [serviceOf(r.srcAttrs), serviceOf(r.dstAttrs)].filter((s): s is string => s !== undefined);
  const conds: string[] = [];
  if (r.sampleTraceIds.length > 0) conds.push(`trace_id IN (${r.sampleTraceIds.map(ooString).join(', ')})`);
  if (services.length > 0) conds.push(`service_name IN (${[...new Set(services)].map(ooString).join(', ')})`);
  return {
    key: edgeKey(r),
    dataset: 'traces',
    bucket,
    objectKey: stream,
    tFrom: r.bucket,
    tTo: r.bucket + 5 * MINUTE,
    queryHint: ooQueryHint(stream, conds),
    attributes: {
      kind: 'edge',
      src: r.srcUrn,
      dst: r.dstUrn,
      sample_trace_ids: r.sampleTraceIds,
      connection_type: r.connectionType,
    },
  };
}

function callRow(r: CallRow, tenantId: number, ids: ReadonlyMap<string, number>, sampleRef: number | null): unknown[] {
  return [
    new Date(r.bucket),
    tenantId,
    ids.get(r.srcUrn),
    ids.get(r.dstUrn),
    r.rps,
    r.errRate,
    r.p50,
    r.p95,
    sampleRef,
    r.calls,
    r.errors,
    r.sketch,
  ];
}
