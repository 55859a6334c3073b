import type { Attrs, AttrValue, LogRecord, MetricPoint, Span, SpanKind } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import { spanKindOf } from './oo-rows.js';
import { isPlainObject, msFromNanos, numberOf, severityFromNumber } from './values.js';

/**
 * OTLP/JSON export requests (one per line, as the OpenTelemetry Collector's file exporter writes
 * them) → records. Accepts the spec's form (hex ids, numeric enums) and the gogo-proto form some
 * tools emit (base64 ids, enum names). Problems are counted, never thrown.
 */

type Obj = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** An OTLP AnyValue as a scalar; arrays and maps become JSON text. */
export function anyValue(v: unknown): AttrValue | undefined {
  if (!isPlainObject(v)) return undefined;
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  if (v['intValue'] !== undefined) {
    const s = String(v['intValue']);
    if (!/^-?\d+$/.test(s)) return undefined;
    return Number.isSafeInteger(Number(s)) ? Number(s) : s;
  }
  if (v['doubleValue'] !== undefined) {
    const n = numberOf(v['doubleValue']);
    return n === undefined ? undefined : Number.isFinite(n) ? n : String(n);
  }
  if (typeof v['bytesValue'] === 'string') return v['bytesValue'];
  if (isPlainObject(v['arrayValue'])) return JSON.stringify(arr(v['arrayValue']['values']).map(plainValue));
  if (isPlainObject(v['kvlistValue'])) return JSON.stringify(plainMap(v['kvlistValue']['values']));
  return undefined;
}

function plainValue(v: unknown): unknown {
  if (isPlainObject(v) && isPlainObject(v['arrayValue'])) return arr(v['arrayValue']['values']).map(plainValue);
  if (isPlainObject(v) && isPlainObject(v['kvlistValue'])) return plainMap(v['kvlistValue']['values']);
  return anyValue(v) ?? null;
}

function plainMap(kvs: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of arr(kvs))
    if (isPlainObject(kv) && typeof kv['key'] === 'string') out[kv['key']] = plainValue(kv['value']);
  return out;
}

export function attrsOf(kvs: unknown): Attrs {
  const out: Attrs = {};
  for (const kv of arr(kvs)) {
    if (!isPlainObject(kv) || typeof kv['key'] !== 'string') continue;
    const v = anyValue(kv['value']);
    if (v !== undefined) out[kv['key']] = v;
  }
  return out;
}

const HEX = /^[0-9a-f]+$/i;

/** A trace/span id as lowercase hex: hex as given, or base64 of the bytes; '' when empty; undefined when invalid. */
export function idOf(v: unknown, bytes: 8 | 16): string | undefined {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') return undefined;
  if (v.length === bytes * 2 && HEX.test(v)) return v.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+=*$/.test(v)) {
    const b = Buffer.from(v, 'base64');
    if (b.length === bytes) return b.toString('hex');
  }
  return undefined;
}

function scopes(resourceEntry: Obj, key: string, legacy: string): Obj[] {
  return [...arr(resourceEntry[key]), ...arr(resourceEntry[legacy])].filter(isPlainObject);
}

const resourceOf = (entry: Obj): Attrs =>
  attrsOf(isPlainObject(entry['resource']) ? entry['resource']['attributes'] : undefined);

export function* spansFromOtlp(req: Obj, stats: RejectStats): Generator<Span> {
  for (const rs of arr(req['resourceSpans'])) {
    if (!isPlainObject(rs)) {
      stats.reject('not_object');
      continue;
    }
    const resource = { attrs: resourceOf(rs) };
    for (const ss of scopes(rs, 'scopeSpans', 'instrumentationLibrarySpans')) {
      for (const s of arr(ss['spans'])) {
        const span = spanOf(s, resource, stats);
        if (span) yield span;
      }
    }
  }
}

function spanOf(s: unknown, resource: { attrs: Attrs }, stats: RejectStats): Span | undefined {
  if (!isPlainObject(s)) {
    stats.reject('not_object');
    return undefined;
  }
  const traceId = idOf(s['traceId'], 16);
  if (!traceId) {
    stats.reject(traceId === '' ? 'missing_trace_id' : 'bad_trace_id');
    return undefined;
  }
  const spanId = idOf(s['spanId'], 8);
  if (!spanId) {
    stats.reject(spanId === '' ? 'missing_span_id' : 'bad_span_id');
    return undefined;
  }
  const parent = idOf(s['parentSpanId'], 8);
  if (parent === undefined) {
    stats.reject('bad_parent_span_id');
    return undefined;
  }
  const spanKind: SpanKind | undefined = spanKindOf(s['kind']);
  if (spanKind === undefined) {
    stats.reject('bad_span_kind');
    return undefined;
  }
  if (typeof s['name'] !== 'string') {
    stats.reject('missing_name');
    return undefined;
  }
  const start = msFromNanos(s['startTimeUnixNano']);
  if (start === undefined) {
    stats.reject(s['startTimeUnixNano'] === undefined ? 'missing_timestamp' : 'bad_timestamp');
    return undefined;
  }
  const end = msFromNanos(s['endTimeUnixNano']);
  if (end === undefined || end < start) {
    stats.reject('bad_duration');
    return undefined;
  }
  const status = isPlainObject(s['status']) ? s['status'] : {};
  const code = status['code'];
  const attrs = attrsOf(s['attributes']);
  if (typeof status['message'] === 'string' && status['message'].length > 0)
    attrs['otel.status_description'] = status['message'];
  const span: Span = {
    kind: 'span',
    traceId,
    spanId,
    spanKind,
    start,
    end,
    error: code === 2 || code === '2' || code === 'STATUS_CODE_ERROR',
    name: s['name'],
    attrs,
    resource,
  };
  if (parent !== '') span.parentSpanId = parent;
  return span;
}

export function* logsFromOtlp(req: Obj, stats: RejectStats): Generator<LogRecord> {
  for (const rl of arr(req['resourceLogs'])) {
    if (!isPlainObject(rl)) {
      stats.reject('not_object');
      continue;
    }
    const resource = { attrs: resourceOf(rl) };
    for (const sl of scopes(rl, 'scopeLogs', 'instrumentationLibraryLogs')) {
      for (const l of arr(sl['logRecords'])) {
        const rec = logOf(l, resource, stats);
        if (rec) yield rec;
      }
    }
  }
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === '0' || v === 0;

function logOf(l: unknown, resource: { attrs: Attrs }, stats: RejectStats): LogRecord | undefined {
  if (!isPlainObject(l)) {
    stats.reject('not_object');
    return undefined;
  }
  // Like OO: the event time, else the time the collector observed it.
  const rawTime = unset(l['timeUnixNano']) ? l['observedTimeUnixNano'] : l['timeUnixNano'];
  if (unset(rawTime)) {
    stats.reject('missing_timestamp');
    return undefined;
  }
  const ts = msFromNanos(typeof rawTime === 'number' ? String(rawTime) : rawTime);
  if (ts === undefined) {
    stats.reject('bad_timestamp');
    return undefined;
  }
  const traceId = idOf(l['traceId'], 16);
  const spanId = idOf(l['spanId'], 8);
  const body = l['body'] === undefined ? '' : anyValue(l['body']);
  const rec: LogRecord = {
    kind: 'log',
    ts,
    body: body === undefined ? '' : String(body),
    attrs: attrsOf(l['attributes']),
    resource,
  };
  const text = l['severityText'];
  const num = numberOf(l['severityNumber']);
  const severity =
    typeof text === 'string' && text.length > 0
      ? text.toUpperCase()
      : num !== undefined
        ? severityFromNumber(num)
        : undefined;
  if (severity !== undefined) rec.severity = severity;
  if (traceId) rec.traceId = traceId;
  if (spanId) rec.spanId = spanId;
  return rec;
}

/** OO stores each metric in a stream named like this (reference §3, §5): `http.server.duration` → `http_server_duration`. */
export function ooMetricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').toLowerCase();
}

export function* metricsFromOtlp(req: Obj, stats: RejectStats): Generator<MetricPoint> {
  for (const rm of arr(req['resourceMetrics'])) {
    if (!isPlainObject(rm)) {
      stats.reject('not_object');
      continue;
    }
    const resource = { attrs: resourceOf(rm) };
    for (const sm of scopes(rm, 'scopeMetrics', 'instrumentationLibraryMetrics')) {
      for (const m of arr(sm['metrics'])) {
        if (!isPlainObject(m) || typeof m['name'] !== 'string' || m['name'] === '') {
          stats.reject(isPlainObject(m) ? 'missing_name' : 'not_object');
          continue;
        }
        yield* pointsOf(ooMetricName(m['name']), m, resource, stats);
      }
    }
  }
}

/**
 * Data points → points named as OO stores them (reference §5): gauges and sums under the name,
 * histograms as `_count`, `_sum`, `_min`, `_max` and cumulative `_bucket` points labelled `le`,
 * exponential histograms as `_count`, `_sum` and per-bucket `_bucket`, summaries as `_count`, `_sum`
 * and quantile points labelled `quantile`.
 */
function* pointsOf(name: string, m: Obj, resource: { attrs: Attrs }, stats: RejectStats): Generator<MetricPoint> {
  const kind = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'].find((k) => isPlainObject(m[k]));
  if (kind === undefined) {
    stats.reject('unknown_metric_type');
    return;
  }
  for (const dp of arr((m[kind] as Obj)['dataPoints'])) {
    if (!isPlainObject(dp)) {
      stats.reject('not_object');
      continue;
    }
    if (unset(dp['timeUnixNano'])) {
      stats.reject('missing_timestamp');
      continue;
    }
    const ts = msFromNanos(typeof dp['timeUnixNano'] === 'number' ? String(dp['timeUnixNano']) : dp['timeUnixNano']);
    if (ts === undefined) {
      stats.reject('bad_timestamp');
      continue;
    }
    const labels = attrsOf(dp['attributes']);
    const point = (suffix: string, value: number, extra?: Attrs): MetricPoint => ({
      kind: 'metric',
      ts,
      name: name + suffix,
      value,
      labels: extra ? { ...labels, ...extra } : { ...labels },
      resource,
    });
    if (kind === 'gauge' || kind === 'sum') {
      const raw = dp['asDouble'] ?? dp['asInt'];
      const value = numberOf(raw);
      if (value === undefined) stats.reject(raw === undefined ? 'missing_value' : 'bad_value');
      else if (!Number.isFinite(value)) stats.reject('nan_value');
      else yield point('', value);
      continue;
    }
    const count = numberOf(dp['count']);
    if (count === undefined || !Number.isFinite(count)) {
      stats.reject('bad_value');
      continue;
    }
    yield point('_count', count);
    for (const part of ['sum', 'min', 'max'] as const) {
      if (part !== 'sum' && kind !== 'histogram') continue;
      const v = numberOf(dp[part]);
      if (v !== undefined && Number.isFinite(v)) yield point(`_${part}`, v);
    }
    if (kind === 'histogram') {
      const bounds = arr(dp['explicitBounds']).map(numberOf);
      const counts = arr(dp['bucketCounts']).map(numberOf);
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i] ?? 0;
        const b = bounds[i];
        yield point('_bucket', cumulative, { le: i < bounds.length && b !== undefined ? String(b) : 'inf' });
      }
    } else if (kind === 'exponentialHistogram') {
      const scale = numberOf(dp['scale']) ?? 0;
      const base = 2 ** (2 ** -scale);
      const pos = isPlainObject(dp['positive']) ? dp['positive'] : {};
      const offset = numberOf(pos['offset']) ?? 0;
      const counts = arr(pos['bucketCounts']).map(numberOf);
      for (let i = 0; i < counts.length; i++)
        yield point('_bucket', counts[i] ?? 0, { le: String(base ** (offset + i + 1)) });
    } else {
      for (const q of arr(dp['quantileValues'])) {
        if (!isPlainObject(q)) continue;
        const v = numberOf(q['value']);
        const quantile = numberOf(q['quantile']);
        if (v !== undefined && Number.isFinite(v) && quantile !== undefined)
          yield point('', v, { quantile: String(quantile) });
      }
    }
  }
}
