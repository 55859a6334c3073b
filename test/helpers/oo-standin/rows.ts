import type { Attrs, LogRecord, MetricPoint, Span, SpanKind } from '../../../src/core/records.js';
import type { OoRow } from './json-writer.js';

/**
 * Records → the rows OpenObserve would store for them after OTLP ingestion (reference §4–6):
 * keys flattened with `_`, trace resource attributes prefixed `service_`, span attributes
 * stringified, ns times as UInt64 (bigint), metric series hash as UInt64.
 */

const flat = (k: string): string => k.toLowerCase().replace(/[^a-z0-9_]/g, '_');
const micros = (ms: number): number => Math.round(ms * 1000);
const nanos = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;
const KIND_CODE: Record<SpanKind, string> = { internal: '1', server: '2', client: '3', producer: '4', consumer: '5' };

function put(row: OoRow, attrs: Attrs, prefix: string, stringify: boolean): void {
  for (const [k, v] of Object.entries(attrs)) row[prefix + flat(k)] = stringify ? String(v) : v;
}

export function spanToOoRow(s: Span): OoRow {
  const row: OoRow = {
    _timestamp: micros(s.start),
    _o2_ingest_ts: micros(s.end) + 1_500_000,
    trace_id: s.traceId,
    span_id: s.spanId,
  };
  if (s.parentSpanId !== undefined) {
    row['reference_parent_span_id'] = s.parentSpanId;
    row['reference_parent_trace_id'] = s.traceId;
    row['reference_ref_type'] = 'ChildOf';
  }
  row['flags'] = 1;
  row['span_kind'] = KIND_CODE[s.spanKind];
  row['span_status'] = s.error ? 'ERROR' : 'UNSET';
  if (s.error) row['status_code'] = 2;
  row['operation_name'] = s.name;
  const { 'service.name': service, ...resource } = s.resource.attrs;
  if (service !== undefined) row['service_name'] = String(service);
  row['start_time'] = nanos(s.start);
  row['end_time'] = nanos(s.end);
  row['duration'] = micros(s.end) - micros(s.start);
  row['events'] = '[]';
  row['links'] = '[]';
  put(row, resource, 'service_', true);
  put(row, s.attrs, '', true);
  return row;
}

export function logToOoRow(l: LogRecord): OoRow {
  const row: OoRow = { _timestamp: micros(l.ts), body: l.body };
  if (l.severity !== undefined) row['severity'] = l.severity;
  if (l.traceId !== undefined) row['trace_id'] = l.traceId;
  if (l.spanId !== undefined) row['span_id'] = l.spanId;
  put(row, l.resource.attrs, '', false);
  put(row, l.attrs, '', false);
  return row;
}

/** FNV-1a 64 over the sorted labels: a series signature that, like OO's, often exceeds 2^53. */
function seriesHash(p: MetricPoint): bigint {
  let h = 0xcbf29ce484222325n;
  const text = JSON.stringify(Object.entries({ ...p.resource.attrs, ...p.labels }).sort());
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

export function metricToOoRow(p: MetricPoint): OoRow {
  const row: OoRow = { _timestamp: micros(p.ts), __name__: p.name, __hash__: seriesHash(p), value: p.value };
  put(row, p.resource.attrs, '', false);
  put(row, p.labels, '', false);
  row['flag'] = 'DATA_POINT_FLAGS_DO_NOT_USE';
  return row;
}
