-- Log ↔ trace correlation (issue #15 A) and attribute discovery (issue #15 B).
--
-- Correlation: a bounded sample of the traces behind each summary row, written by the job that
-- writes the row, in the same transaction, replaced with it. Every sample is chosen by the same
-- deterministic hash of the trace id (bottom-K, src/correlation/sampler.ts), so a trace kept for an
-- edge is very likely kept for the log patterns it produced too: the join of the two tables is what
-- answers trace → everything, edge → logs and pattern → edges. `attrs` holds the configured business
-- attributes (correlation.attributes) of the sampled span or line.
CREATE TABLE log_pattern_trace_5m (
  bucket         TIMESTAMPTZ NOT NULL,
  tenant_id      BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  resource_id    BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  fingerprint_id BIGINT NOT NULL REFERENCES log_pattern(fingerprint_id),
  trace_id       TEXT NOT NULL,
  span_id        TEXT,
  is_error       BOOLEAN NOT NULL,
  lines          INT NOT NULL,
  attrs          JSONB NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (bucket, tenant_id, resource_id, fingerprint_id, trace_id)
);
CREATE INDEX idx_lptrace_trace ON log_pattern_trace_5m(tenant_id, trace_id);
CREATE INDEX idx_lptrace_fp ON log_pattern_trace_5m(tenant_id, fingerprint_id, bucket);
CREATE INDEX idx_lptrace_res ON log_pattern_trace_5m(tenant_id, resource_id, bucket);
CREATE INDEX idx_lptrace_attrs ON log_pattern_trace_5m USING GIN (attrs jsonb_path_ops);

CREATE TABLE service_call_trace_5m (
  bucket          TIMESTAMPTZ NOT NULL,
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  src_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  dst_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  trace_id        TEXT NOT NULL,
  span_id         TEXT,
  failed          BOOLEAN NOT NULL,
  attrs           JSONB NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (bucket, tenant_id, src_resource_id, dst_resource_id, trace_id)
);
CREATE INDEX idx_sctrace_trace ON service_call_trace_5m(tenant_id, trace_id);
CREATE INDEX idx_sctrace_edge ON service_call_trace_5m(tenant_id, src_resource_id, dst_resource_id, bucket);
CREATE INDEX idx_sctrace_attrs ON service_call_trace_5m USING GIN (attrs jsonb_path_ops);

-- Discovery: every name, key and value the summary jobs read, per tenant and debounce window
-- (discovery.debounce, default 1h), without sampling. Values are capped per key and attribute sets
-- per name; what the caps turn away is counted in the *_overflow columns.
CREATE TABLE discovery_name (
  window_start  TIMESTAMPTZ NOT NULL,
  tenant_id     BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  signal        TEXT NOT NULL CHECK (signal IN ('metric', 'log', 'span')),
  namespace     TEXT NOT NULL,
  name          TEXT NOT NULL,
  first_seen    TIMESTAMPTZ NOT NULL,
  last_seen     TIMESTAMPTZ NOT NULL,
  count         BIGINT NOT NULL,
  keys_overflow BIGINT NOT NULL DEFAULT 0,
  sets_overflow BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (window_start, tenant_id, signal, namespace, name)
);
CREATE INDEX idx_discname_ns ON discovery_name(tenant_id, signal, namespace, window_start);
CREATE INDEX idx_discname_t ON discovery_name(tenant_id, window_start);

CREATE TABLE discovery_key (
  window_start    TIMESTAMPTZ NOT NULL,
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  signal          TEXT NOT NULL,
  namespace       TEXT NOT NULL,
  name            TEXT NOT NULL,
  key             TEXT NOT NULL,
  first_seen      TIMESTAMPTZ NOT NULL,
  last_seen       TIMESTAMPTZ NOT NULL,
  count           BIGINT NOT NULL,
  values_overflow BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (window_start, tenant_id, signal, namespace, name, key)
);
CREATE INDEX idx_disckey_name ON discovery_key(tenant_id, signal, namespace, name, window_start);

CREATE TABLE discovery_value (
  window_start TIMESTAMPTZ NOT NULL,
  tenant_id    BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  signal       TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  name         TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  first_seen   TIMESTAMPTZ NOT NULL,
  last_seen    TIMESTAMPTZ NOT NULL,
  count        BIGINT NOT NULL,
  PRIMARY KEY (window_start, tenant_id, signal, namespace, name, key, value)
);
CREATE INDEX idx_discval_name ON discovery_value(tenant_id, signal, namespace, name, key, window_start);
CREATE INDEX idx_discval_kv ON discovery_value(tenant_id, key, value, window_start);

CREATE TABLE discovery_set (
  window_start TIMESTAMPTZ NOT NULL,
  tenant_id    BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  signal       TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  name         TEXT NOT NULL,
  set_hash     TEXT NOT NULL,
  attrs        JSONB NOT NULL,
  first_seen   TIMESTAMPTZ NOT NULL,
  last_seen    TIMESTAMPTZ NOT NULL,
  count        BIGINT NOT NULL,
  PRIMARY KEY (window_start, tenant_id, signal, namespace, name, set_hash)
);
CREATE INDEX idx_discset_attrs ON discovery_set USING GIN (attrs jsonb_path_ops);

-- Job windows whose discovery counts were added: a re-run (replay, revisit) adds new names and values
-- and widens first/last seen, but never counts the same window's records twice.
CREATE TABLE discovery_applied (
  tenant_id   BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  signal      TEXT NOT NULL,
  window_from TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, signal, window_from)
);
