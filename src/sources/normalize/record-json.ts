import type { Attrs, LogRecord, MetricPoint, Span, SpanKind, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import { attrValueOf, isPlainObject, msOf } from './values.js';

/**
 * Records in this project's own shape (`{"kind":"span",…}` per line, e.g. a mock or another
 * source dumped to NDJSON) → validated records. Unknown fields are ignored.
 */

const KINDS: ReadonlySet<string> = new Set<SpanKind>(['server', 'client', 'producer', 'consumer', 'internal']);

function attrsOf(v: unknown): Attrs | undefined {
  if (v === undefined) return {};
  if (!isPlainObject(v)) return undefined;
  const out: Attrs = {};
  for (const k in v) {
    const x = attrValueOf(v[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

function resourceOf(v: unknown): { attrs: Attrs } | undefined {
  if (v === undefined) return { attrs: {} };
  if (!isPlainObject(v)) return undefined;
  const attrs = attrsOf(v['attrs']);
  return attrs === undefined ? undefined : { attrs };
}

const optString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

export function recordFromJson(o: Record<string, unknown>, stats: RejectStats): TelemetryRecord | undefined {
  const resource = resourceOf(o['resource']);
  if (resource === undefined) {
    stats.reject('bad_resource');
    return undefined;
  }
  switch (o['kind']) {
    case 'span':
      return spanOf(o, resource, stats);
    case 'log':
      return logOf(o, resource, stats);
    case 'metric':
      return metricOf(o, resource, stats);
    default:
      stats.reject('unknown_kind');
      return undefined;
  }
}

function spanOf(o: Record<string, unknown>, resource: { attrs: Attrs }, stats: RejectStats): Span | undefined {
  const { traceId, spanId, parentSpanId, spanKind, name, error } = o;
  if (typeof traceId !== 'string' || traceId === '') return void stats.reject('bad_trace_id');
  if (typeof spanId !== 'string' || spanId === '') return void stats.reject('bad_span_id');
  if (!optString(parentSpanId)) return void stats.reject('bad_parent_span_id');
  if (typeof spanKind !== 'string' || !KINDS.has(spanKind)) return void stats.reject('bad_span_kind');
  if (typeof name !== 'string') return void stats.reject('missing_name');
  const start = msOf(o['start']);
  if (start === undefined) return void stats.reject(o['start'] === undefined ? 'missing_timestamp' : 'bad_timestamp');
  const end = msOf(o['end']);
  if (end === undefined || end < start) return void stats.reject('bad_duration');
  const attrs = attrsOf(o['attrs']);
  if (attrs === undefined) return void stats.reject('bad_attrs');
  const span: Span = {
    kind: 'span',
    traceId,
    spanId,
    spanKind: spanKind as SpanKind,
    start,
    end,
    error: error === true,
    name,
    attrs,
    resource,
  };
  if (parentSpanId) span.parentSpanId = parentSpanId;
  return span;
}

function logOf(o: Record<string, unknown>, resource: { attrs: Attrs }, stats: RejectStats): LogRecord | undefined {
  const ts = msOf(o['ts']);
  if (ts === undefined) return void stats.reject(o['ts'] === undefined ? 'missing_timestamp' : 'bad_timestamp');
  const { body, severity, traceId, spanId } = o;
  if (body !== undefined && typeof body !== 'string') return void stats.reject('bad_body');
  if (!optString(severity) || !optString(traceId) || !optString(spanId)) return void stats.reject('bad_field_type');
  const attrs = attrsOf(o['attrs']);
  if (attrs === undefined) return void stats.reject('bad_attrs');
  const rec: LogRecord = { kind: 'log', ts, body: body ?? '', attrs, resource };
  if (severity) rec.severity = severity;
  if (traceId) rec.traceId = traceId;
  if (spanId) rec.spanId = spanId;
  return rec;
}

function metricOf(o: Record<string, unknown>, resource: { attrs: Attrs }, stats: RejectStats): MetricPoint | undefined {
  const ts = msOf(o['ts']);
  if (ts === undefined) return void stats.reject(o['ts'] === undefined ? 'missing_timestamp' : 'bad_timestamp');
  if (typeof o['name'] !== 'string' || o['name'] === '') return void stats.reject('missing_name');
  const value = o['value'];
  if (value === undefined || value === null) return void stats.reject('missing_value');
  if (typeof value !== 'number') return void stats.reject('bad_value');
  if (!Number.isFinite(value)) return void stats.reject('nan_value');
  const labels = attrsOf(o['labels']);
  if (labels === undefined) return void stats.reject('bad_attrs');
  return { kind: 'metric', ts, name: o['name'], value, labels, resource };
}
