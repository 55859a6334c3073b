import type { TraceSample } from '../../agg/trace-sample.js';
import type { Queryable } from '../types.js';

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

type SampleTable = 'log_pattern_trace_5m' | 'service_call_trace_5m';

async function deleteWindow(tx: Queryable, table: SampleTable, tenantId: number, w: { from: number; to: number }) {
  const r = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND bucket >= $2 AND bucket < $3`, [
    tenantId,
    new Date(w.from),
    new Date(w.to),
  ]);
  return r.rowCount;
}

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
  await deleteWindow(tx, 'log_pattern_trace_5m', tenantId, w);
  return tx.copyRows(
    'log_pattern_trace_5m',
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
}

/** Replaces the tenant's edge trace samples of a window (with its service_call_5m rows). */
export async function replaceEdgeTraces(
  tx: Queryable,
  tenantId: number,
  w: { from: number; to: number },
  rows: readonly EdgeTraceInput[],
): Promise<number> {
  await deleteWindow(tx, 'service_call_trace_5m', tenantId, w);
  return tx.copyRows(
    'service_call_trace_5m',
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
}
