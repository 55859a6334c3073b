/**
 * The all-in-PostgreSQL baseline: raw records loaded with COPY into indexed tables, and the
 * summaries ObserveBridge writes computed from them in SQL (metric_1m.sql, service_call_5m.sql,
 * log_count_5m.sql beside this file).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogRecord, MetricPoint, Span } from '../../src/core/records.js';
import type { Window } from '../../src/core/window.js';
import type { Queryable } from '../../src/db/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const sqlFile = (name: string): string => readFileSync(join(here, name), 'utf8');

export const RAW_TABLES = ['raw_logs', 'raw_spans', 'raw_metrics'] as const;
export const OUTPUT_TABLES = ['bl_metric_1m', 'bl_service_call_5m', 'bl_log_count_5m'] as const;

export async function createBaselineSchema(db: Queryable): Promise<void> {
  await db.exec(sqlFile('schema.sql'));
}

function service(attrs: Record<string, unknown>): string | null {
  const s = attrs['service.name'];
  return typeof s === 'string' ? s : null;
}

export interface RawRecords {
  logs: readonly LogRecord[];
  spans: readonly Span[];
  metrics: readonly MetricPoint[];
}

/** COPY into the raw tables, then ANALYZE (what autovacuum would do before anyone queries them). */
export async function loadRaw(db: Queryable, r: RawRecords): Promise<number> {
  let n = 0;
  n += await db.copyRows(
    'raw_logs',
    ['ts', 'service', 'severity', 'trace_id', 'span_id', 'body', 'attrs', 'resource'],
    (function* () {
      for (const l of r.logs)
        yield [
          new Date(l.ts),
          service(l.resource.attrs),
          l.severity ?? null,
          l.traceId ?? null,
          l.spanId ?? null,
          l.body,
          l.attrs,
          l.resource.attrs,
        ];
    })(),
  );
  n += await db.copyRows(
    'raw_spans',
    [
      'start_ts',
      'end_ts',
      'duration_ms',
      'trace_id',
      'span_id',
      'parent_span_id',
      'kind',
      'service',
      'name',
      'error',
      'attrs',
      'resource',
    ],
    (function* () {
      for (const s of r.spans)
        yield [
          new Date(s.start),
          new Date(s.end),
          Math.max(0, s.end - s.start),
          s.traceId,
          s.spanId,
          s.parentSpanId ?? null,
          s.spanKind,
          service(s.resource.attrs),
          s.name,
          s.error,
          s.attrs,
          s.resource.attrs,
        ];
    })(),
  );
  n += await db.copyRows(
    'raw_metrics',
    ['ts', 'name', 'value', 'service', 'labels', 'resource'],
    (function* () {
      for (const p of r.metrics)
        yield [new Date(p.ts), p.name, p.value, service(p.resource.attrs), p.labels, p.resource.attrs];
    })(),
  );
  await db.exec('ANALYZE raw_logs; ANALYZE raw_spans; ANALYZE raw_metrics');
  return n;
}

export interface BaselineOutput {
  metricRows: number;
  callRows: number;
  logRows: number;
}

/** Computes the three outputs of one window in SQL; returns the rows each produced. */
export async function aggregateBaseline(db: Queryable, w: Window): Promise<BaselineOutput> {
  const params = [new Date(w.from), new Date(w.to)];
  const m = await db.query(sqlFile('metric_1m.sql'), params);
  const c = await db.query(sqlFile('service_call_5m.sql'), params);
  const l = await db.query(sqlFile('log_count_5m.sql'), params);
  return { metricRows: m.rowCount, callRows: c.rowCount, logRows: l.rowCount };
}

/** Bytes on disk of tables with their indexes and TOAST (pg_total_relation_size). */
export async function tableBytes(db: Queryable, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await db.query<{ b: number | string }>('SELECT pg_total_relation_size($1::regclass) AS b', [t]);
    out[t] = Number(r.rows[0]?.b ?? 0);
  }
  return out;
}
