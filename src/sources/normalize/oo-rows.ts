import type { Attrs, Dataset, LogRecord, MetricPoint, Span, SpanKind, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import { ATTR_BY_FLAT, INT_KEYS, RESOURCE_ALIASES, RESOURCE_BY_FLAT } from './attr-keys.js';
import {
  attrValueOf,
  intAttrOf,
  isPlainObject,
  microsOf,
  msFromNanos,
  numberOf,
  severityFromNumber,
} from './values.js';

/**
 * Normalizers for OpenObserve's row shapes (search hits and the columns of its stored files;
 * reference §4–6). Each takes one row and returns a record, or counts a reason in `stats` and
 * returns undefined. They never throw, whatever the input.
 */

/** Where a column goes: dropped (OO bookkeeping or already mapped), resource, or attributes. */
type Route = { to: 'skip' } | { to: 'resource' | 'attr'; key: string; int: boolean };
const SKIP: Route = { to: 'skip' };
const CACHE_LIMIT = 20_000;

const COMMON_SKIP = ['_timestamp', '_o2_id', '_original', '_all_values', '_o2_ingest_ts', '_stream_name'];

function router(skip: readonly string[], classify: (col: string) => Route): (col: string) => Route {
  const cache = new Map<string, Route>();
  for (const s of [...COMMON_SKIP, ...skip]) cache.set(s, SKIP);
  return (col) => {
    let r = cache.get(col);
    if (r === undefined) {
      r = classify(col);
      if (cache.size < CACHE_LIMIT) cache.set(col, r);
    }
    return r;
  };
}

const attrRoute = (flat: string): Route => {
  const key = ATTR_BY_FLAT.get(flat) ?? flat;
  return { to: 'attr', key, int: INT_KEYS.has(key) };
};

// Traces: resource attributes carry a `service_` prefix (service.version → service_service_version).
const spanRoute = router(
  [
    'trace_id',
    'span_id',
    'reference_parent_span_id',
    'reference_parent_trace_id',
    'reference_ref_type',
    'flags',
    'span_kind',
    'span_status',
    'status_code',
    'status_message',
    'operation_name',
    'service_name',
    'start_time',
    'end_time',
    'duration',
    'events',
    'links',
    'infer_service_name',
    'infer_service_type',
    'infer_service_system',
  ],
  (col) => {
    if (col.startsWith('service_')) {
      const flat = col.slice('service_'.length);
      return { to: 'resource', key: RESOURCE_BY_FLAT.get(flat) ?? flat, int: false };
    }
    // OO renames a span attribute that collides with a reserved column or a resource key.
    if (col.startsWith('attr_')) return attrRoute(col.slice('attr_'.length));
    return attrRoute(col);
  },
);

// Logs and metrics: resource attributes are flattened without a prefix (service.name → service_name).
const plainResourceRoute = (col: string): Route => {
  const res = RESOURCE_BY_FLAT.get(col);
  if (res !== undefined) return { to: 'resource', key: res, int: false };
  return attrRoute(col);
};

const LOG_BODY_FIELDS = ['body', 'message', 'msg', 'log', 'content'] as const;
const LOG_SEVERITY_FIELDS = ['severity', 'severity_text', 'level', 'log_level', 'loglevel', 'severity_number'] as const;

const logRoute = router(
  [...LOG_BODY_FIELDS, ...LOG_SEVERITY_FIELDS, 'trace_id', 'span_id', 'dropped_attributes_count', 'flags'].concat(
    'instrumentation_library_name',
    'instrumentation_library_version',
  ),
  plainResourceRoute,
);

const metricRoute = router(
  [
    '__name__',
    '__hash__',
    '__type__',
    'value',
    'start_time',
    'flag',
    'exemplars',
    'aggregation_temporality',
    'is_monotonic',
    'instrumentation_library_name',
    'instrumentation_library_version',
  ],
  plainResourceRoute,
);

/** Whether a metrics column is a label or resource attribute (not `value`, `_timestamp`, `__hash__`, …). */
export function isMetricLabelColumn(col: string): boolean {
  return metricRoute(col).to !== 'skip';
}

/** Splits the remaining columns of a row into resource attributes and attributes. */
function split(row: Record<string, unknown>, route: (col: string) => Route, resource: Attrs, attrs: Attrs): void {
  for (const col in row) {
    const r = route(col);
    if (r.to === 'skip') continue;
    const raw = row[col];
    if (raw === null || raw === undefined) continue;
    let v = attrValueOf(raw);
    if (v === undefined) continue;
    if (r.int) v = intAttrOf(v);
    (r.to === 'resource' ? resource : attrs)[r.key] = v;
  }
}

function timestampMs(row: Record<string, unknown>, stats: RejectStats): number | undefined {
  const raw = row['_timestamp'];
  if (raw === undefined || raw === null) {
    stats.reject('missing_timestamp');
    return undefined;
  }
  const us = microsOf(raw);
  if (us === undefined) {
    stats.reject('bad_timestamp');
    return undefined;
  }
  return us / 1000;
}

const KIND_BY_CODE: Readonly<Record<string, SpanKind>> = {
  '0': 'internal',
  '1': 'internal',
  '2': 'server',
  '3': 'client',
  '4': 'producer',
  '5': 'consumer',
  span_kind_unspecified: 'internal',
  span_kind_internal: 'internal',
  span_kind_server: 'server',
  span_kind_client: 'client',
  span_kind_producer: 'producer',
  span_kind_consumer: 'consumer',
  unspecified: 'internal',
  internal: 'internal',
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
};

/** OTLP span kind as OO stores it ("2"), as an enum name (old data) or a number; undefined if unknown. */
export function spanKindOf(v: unknown): SpanKind | undefined {
  if (v === undefined || v === null) return 'internal';
  if (typeof v === 'number') return Number.isInteger(v) ? KIND_BY_CODE[String(v)] : undefined;
  if (typeof v !== 'string') return undefined;
  return KIND_BY_CODE[v] ?? KIND_BY_CODE[v.toLowerCase()];
}

function isErrorStatus(status: unknown, code: unknown): boolean {
  if (typeof status === 'string' && status.toUpperCase() === 'ERROR') return true;
  return code === 2 || code === '2' || code === 'STATUS_CODE_ERROR';
}

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** An OO trace row (reference §4) → Span. Times come from the ns columns when present (exact). */
export function spanFromOoRow(row: unknown, stats: RejectStats): Span | undefined {
  if (!isPlainObject(row)) {
    stats.reject('not_object');
    return undefined;
  }
  const ts = timestampMs(row, stats);
  if (ts === undefined) return undefined;
  const traceId = row['trace_id'];
  if (!nonEmptyString(traceId)) {
    stats.reject(traceId === undefined ? 'missing_trace_id' : 'bad_trace_id');
    return undefined;
  }
  const spanId = row['span_id'];
  if (!nonEmptyString(spanId)) {
    stats.reject(spanId === undefined ? 'missing_span_id' : 'bad_span_id');
    return undefined;
  }
  const parent = row['reference_parent_span_id'];
  if (parent !== undefined && parent !== null && typeof parent !== 'string') {
    stats.reject('bad_parent_span_id');
    return undefined;
  }
  const spanKind = spanKindOf(row['span_kind']);
  if (spanKind === undefined) {
    stats.reject('bad_span_kind');
    return undefined;
  }
  const name = row['operation_name'];
  if (typeof name !== 'string') {
    stats.reject('missing_name');
    return undefined;
  }
  let start = ts;
  if (row['start_time'] !== undefined && row['start_time'] !== null) {
    const s = msFromNanos(row['start_time']);
    if (s === undefined) {
      stats.reject('bad_timestamp');
      return undefined;
    }
    start = s;
  }
  let end: number | undefined;
  if (row['end_time'] !== undefined && row['end_time'] !== null) {
    end = msFromNanos(row['end_time']);
  } else {
    const d = numberOf(row['duration']);
    if (d !== undefined) end = start + d / 1000;
  }
  if (end === undefined || !Number.isFinite(end) || end < start) {
    stats.reject('bad_duration');
    return undefined;
  }
  const resource: Attrs = {};
  const attrs: Attrs = {};
  const service = row['service_name'];
  if (service !== undefined && service !== null) resource['service.name'] = String(service);
  split(row, spanRoute, resource, attrs);
  const msg = row['status_message'];
  if (typeof msg === 'string' && msg.length > 0) attrs['otel.status_description'] = msg;
  const span: Span = {
    kind: 'span',
    traceId,
    spanId,
    spanKind,
    start,
    end,
    error: isErrorStatus(row['span_status'], row['status_code']),
    name,
    attrs,
    resource: { attrs: resource },
  };
  if (nonEmptyString(parent)) span.parentSpanId = parent;
  return span;
}

/** An OO metrics row (reference §5) → MetricPoint. `stream` names the point when `__name__` is absent. */
export function metricFromOoRow(row: unknown, stats: RejectStats, stream?: string): MetricPoint | undefined {
  if (!isPlainObject(row)) {
    stats.reject('not_object');
    return undefined;
  }
  const ts = timestampMs(row, stats);
  if (ts === undefined) return undefined;
  const rawName = row['__name__'] ?? stream;
  if (!nonEmptyString(rawName)) {
    stats.reject('missing_name');
    return undefined;
  }
  const raw = row['value'];
  if (raw === undefined || raw === null) {
    stats.reject('missing_value');
    return undefined;
  }
  const value = numberOf(raw);
  if (value === undefined) {
    stats.reject('bad_value');
    return undefined;
  }
  if (!Number.isFinite(value)) {
    stats.reject('nan_value');
    return undefined;
  }
  const resource: Attrs = {};
  const labels: Attrs = {};
  split(row, metricRoute, resource, labels);
  return { kind: 'metric', ts, name: rawName, value, labels, resource: { attrs: resource } };
}

/** An OO logs row (reference §6) → LogRecord. The message is whichever field the sender used. */
export function logFromOoRow(row: unknown, stats: RejectStats): LogRecord | undefined {
  if (!isPlainObject(row)) {
    stats.reject('not_object');
    return undefined;
  }
  const ts = timestampMs(row, stats);
  if (ts === undefined) return undefined;
  let body = '';
  for (const f of LOG_BODY_FIELDS) {
    const v = row[f];
    if (v !== undefined && v !== null) {
      body = typeof v === 'string' ? v : String(attrValueOf(v));
      break;
    }
  }
  let severity: string | undefined;
  for (const f of LOG_SEVERITY_FIELDS) {
    const v = row[f];
    if (typeof v === 'string' && v.length > 0) {
      severity = /^\d+$/.test(v) ? (severityFromNumber(Number(v)) ?? v) : v.toUpperCase();
      break;
    }
    if (typeof v === 'number') {
      severity = severityFromNumber(v);
      if (severity !== undefined) break;
    }
  }
  const resource: Attrs = {};
  const attrs: Attrs = {};
  split(row, logRoute, resource, attrs);
  for (const [alias, key] of RESOURCE_ALIASES) {
    const v = attrs[alias];
    if (v !== undefined && resource[key] === undefined) resource[key] = v;
  }
  const rec: LogRecord = { kind: 'log', ts, body, attrs, resource: { attrs: resource } };
  if (severity !== undefined) rec.severity = severity;
  const traceId = row['trace_id'];
  if (nonEmptyString(traceId)) rec.traceId = traceId;
  const spanId = row['span_id'];
  if (nonEmptyString(spanId)) rec.spanId = spanId;
  // OO's row id, present when the stream stores original data: the only way to tell a row read
  // twice from two identical lines.
  const rowId = row['_o2_id'];
  if (nonEmptyString(rowId) || typeof rowId === 'number') rec.rowId = String(rowId);
  return rec;
}

/**
 * One OO row of a dataset's stream as a record, kept only when its time (a span's start) lies in
 * [w.from, w.to); rejected rows are counted in `stats`. Shared by the search-API and object-store sources.
 */
export function recordFromOoRow(
  dataset: Dataset,
  row: unknown,
  stats: RejectStats,
  stream: string | undefined,
  w: { from: number; to: number },
): TelemetryRecord | undefined {
  const r =
    dataset === 'traces'
      ? spanFromOoRow(row, stats)
      : dataset === 'logs'
        ? logFromOoRow(row, stats)
        : metricFromOoRow(row, stats, stream);
  if (r === undefined) return undefined;
  const t = r.kind === 'span' ? r.start : r.ts;
  return t >= w.from && t < w.to ? r : undefined;
}
