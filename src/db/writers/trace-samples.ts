import type { TraceSample } from '../../agg/trace-sample.js';
import type { Queryable } from '../types.js';
import { replaceWindowRows } from './window-rows.js';

/** One sampled trace of a log_pattern_5m row. */
export interface PatternTraceInput {
  bucket: number;
  resourceId: number;
  fingerprintId: number;
  sample: TraceSample;
}

/** One sampled trace of a service_call_5m edge. */
export interface EdgeTraceInput {
  bucket: number;
  srcId: number;
  dstId: number;
  sample: TraceSample;
}

const PATTERN_COLUMNS = [
  'bucket',
  'tenant_id',
  'resource_id',
  'fingerprint_id',
  'trace_id',
  'span_id',
  'is_error',
  'lines',
  'attrs',
] as const;
const EDGE_COLUMNS = [
  'bucket',
  'tenant_id',
  'src_resource_id',
  'dst_resource_id',
  'trace_id',
  'span_id',
  'failed',
  'attrs',
] as const;

/**
 * Replaces the tenant's pattern trace samples of a window (same transaction as the log_pattern_5m
 * rows they belong to, so a re-run gives the same samples and never duplicates).
 */
export async function replacePatternTraces(
  tx: Queryable,
  tenantId: number,
  w: { from: number; to: number },
  rows: readonly PatternTraceInput[],
): Promise<number> {
  const out = await replaceWindowRows(
    tx,
    'log_pattern_trace_5m',
    tenantId,
    w,
    PATTERN_COLUMNS,
    rows.map((r) => [
      new Date(r.bucket),
      tenantId,
      r.resourceId,
      r.fingerprintId,
      r.sample.traceId,
      r.sample.spanId ?? null,
      r.sample.flag,
      r.sample.count,
      r.sample.attrs ?? {},
    ]),
  );
  return out.inserted;
}

/** Replaces the tenant's edge trace samples of a window (with its service_call_5m rows). */
export async function replaceEdgeTraces(
  tx: Queryable,
  tenantId: number,
  w: { from: number; to: number },
  rows: readonly EdgeTraceInput[],
): Promise<number> {
  const out = await replaceWindowRows(
    tx,
    'service_call_trace_5m',
    tenantId,
    w,
    EDGE_COLUMNS,
    rows.map((r) => [
      new Date(r.bucket),
      tenantId,
      r.srcId,
      r.dstId,
      r.sample.traceId,
      r.sample.spanId ?? null,
      r.sample.flag,
      r.sample.attrs ?? {},
    ]),
  );
  return out.inserted;
}
