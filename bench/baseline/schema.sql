-- The "everything in PostgreSQL" alternative: raw rows as a user would store them, with the
-- indexes such a user would create (time, service, trace id). Resource and record attributes as
-- jsonb; no partitioning, no compression extension.
CREATE TABLE raw_logs (
  ts        timestamptz NOT NULL,
  service   text,
  severity  text,
  trace_id  text,
  span_id   text,
  body      text NOT NULL,
  attrs     jsonb,
  resource  jsonb
);
CREATE INDEX raw_logs_ts ON raw_logs (ts);
CREATE INDEX raw_logs_service_ts ON raw_logs (service, ts);
CREATE INDEX raw_logs_trace ON raw_logs (trace_id);

CREATE TABLE raw_spans (
  start_ts       timestamptz NOT NULL,
  end_ts         timestamptz NOT NULL,
  duration_ms    double precision NOT NULL,
  trace_id       text NOT NULL,
  span_id        text NOT NULL,
  parent_span_id text,
  kind           text NOT NULL,
  service        text,
  name           text,
  error          boolean NOT NULL,
  attrs          jsonb,
  resource       jsonb
);
CREATE INDEX raw_spans_ts ON raw_spans (start_ts);
CREATE INDEX raw_spans_service_ts ON raw_spans (service, start_ts);
CREATE INDEX raw_spans_trace ON raw_spans (trace_id, span_id);

CREATE TABLE raw_metrics (
  ts        timestamptz NOT NULL,
  name      text NOT NULL,
  value     double precision NOT NULL,
  service   text,
  labels    jsonb,
  resource  jsonb
);
CREATE INDEX raw_metrics_ts ON raw_metrics (ts);
CREATE INDEX raw_metrics_service_ts ON raw_metrics (service, ts);

-- The outputs, computed by SQL from the raw tables.
CREATE TABLE bl_metric_1m (
  bucket timestamptz, service text, resource jsonb, metric text, labels jsonb,
  n bigint, avg_val double precision, max_val double precision, p95_val double precision
);
CREATE TABLE bl_service_call_5m (
  bucket timestamptz, src text, dst text, calls bigint, errors bigint,
  rps double precision, err_rate double precision, p50_ms double precision, p95_ms double precision
);
CREATE TABLE bl_log_count_5m (
  bucket timestamptz, service text, pattern text, count_total bigint, count_error bigint
);
