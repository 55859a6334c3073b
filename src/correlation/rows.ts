/**
 * Turns the trace samples of aggregate rows into sample-table rows once the rows' resource and
 * pattern ids are known (inside the job's transaction).
 */
import type { CallRow } from '../agg/calls.js';
import type { LogPatternRow } from '../agg/logs.js';
import type { EdgeTraceInput, PatternTraceInput } from '../db/writers/trace-samples.js';

export function patternTraceRows(
  rows: readonly LogPatternRow[],
  resourceIds: ReadonlyMap<string, number>,
  fingerprintIds: ReadonlyMap<string, number>,
): PatternTraceInput[] {
  const out: PatternTraceInput[] = [];
  for (const r of rows) {
    const resourceId = resourceIds.get(r.resourceUrn);
    const fingerprintId = fingerprintIds.get(r.fingerprint);
    if (resourceId === undefined || fingerprintId === undefined) continue;
    for (const sample of r.traces) out.push({ bucket: r.bucket, resourceId, fingerprintId, sample });
  }
  return out;
}

export function edgeTraceRows(rows: readonly CallRow[], resourceIds: ReadonlyMap<string, number>): EdgeTraceInput[] {
  const out: EdgeTraceInput[] = [];
  for (const r of rows) {
    const srcId = resourceIds.get(r.srcUrn);
    const dstId = resourceIds.get(r.dstUrn);
    if (srcId === undefined || dstId === undefined) continue;
    for (const sample of r.traces) out.push({ bucket: r.bucket, srcId, dstId, sample });
  }
  return out;
}
