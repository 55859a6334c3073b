/**
 * The records every source yields, normalized once at the edge: timestamps in epoch ms,
 * attributes flattened to scalar values. Everything after the source is source-agnostic.
 */
export type AttrValue = string | number | boolean;
export type Attrs = Record<string, AttrValue>;

export interface Resource {
  attrs: Attrs;
}

export interface MetricPoint {
  kind: 'metric';
  ts: number;
  name: string;
  value: number;
  labels: Attrs;
  resource: Resource;
}

export interface LogRecord {
  kind: 'log';
  ts: number;
  body: string;
  severity?: string;
  traceId?: string;
  spanId?: string;
  /** The source's id of the row (OpenObserve `_o2_id`), when it has one: rows with one id are one line. */
  rowId?: string;
  attrs: Attrs;
  resource: Resource;
}

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

export interface Span {
  kind: 'span';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  spanKind: SpanKind;
  /** epoch ms (fractional allowed: sub-millisecond precision is kept). */
  start: number;
  end: number;
  error: boolean;
  name: string;
  attrs: Attrs;
  resource: Resource;
}

export type TelemetryRecord = MetricPoint | LogRecord | Span;
export type Dataset = 'logs' | 'metrics' | 'traces';
export const DATASETS = ['logs', 'metrics', 'traces'] as const satisfies readonly Dataset[];
