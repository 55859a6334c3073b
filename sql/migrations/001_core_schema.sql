-- The 12 tables of the seed ("全栈可观测数据库设计", appendix A), in their plain-PostgreSQL form.
-- Capability-dependent parts (hypertables, the AGE graph, the vector column) are applied after the
-- numbered migrations by the capability step (sql/capabilities/), according to what the server offers.
--
-- Changes to the seed's DDL, and why:
--  * tenant_id and the resource ids of every fact table are NOT NULL: a row without them cannot be
--    replaced idempotently nor scoped to a tenant.
--  * dim_tenant gains `enabled` (a tenant removed from the config is disabled, never deleted) and
--    `updated_at`.
--  * dim_resource: `urn` is unique per tenant (UNIQUE (tenant_id, urn)), not globally, so two tenants
--    that both run `urn:k8s:svc:default/frontend` never share a resource or see each other's edges.
--    `last_seen` is added so stale resources can be found.
--  * oo_locator gets a unique key (tenant, dataset, bucket, object key, time range, hash of the hint) so
--    a re-run creates no locator twice, and `hint_hash` stores that hash.
--  * metric_1m has no key in the seed; it gets count/sum/min, a serialized DDSketch (`sketch`) so
--    coarser percentiles can be merged, `labels_hash`, and a unique key that includes `bucket`
--    (required by TimescaleDB for a unique index on a hypertable).
--  * service_call_5m gains `calls`, `errors` and the latency sketch: err_rate and percentiles are not
--    additive, counts and sketches are.
--  * log_pattern gains `fingerprint` (the miner's stable pattern key) with UNIQUE (tenant_id,
--    fingerprint), plus `updated_at`; fingerprint_id stays the surrogate key the 5m table references.
--  * topo_edge_time gains `origin` (which extractor owns the edge: terraform, pulumi, snapshot,
--    ansible); origin is part of the key, and an exclusion constraint makes ranges of one edge of one
--    origin never overlap. The seed's truncated GiST index is covered by that constraint's index.
--  * kb_chunk.embedding is added by the capability step (vector(1536) with pgvector, real[] without).

CREATE TABLE dim_tenant (
  tenant_id  BIGSERIAL PRIMARY KEY,
  code       TEXT UNIQUE NOT NULL,
  name       TEXT NOT NULL,
  labels     JSONB DEFAULT '{}'::jsonb,
  enabled    BOOLEAN NOT NULL DEFAULT true,
  created_at TIMESTAMPTZ DEFAULT now(),
  updated_at TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE dim_resource (
  resource_id BIGSERIAL PRIMARY KEY,
  tenant_id   BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  urn         TEXT NOT NULL,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  env         TEXT,
  region      TEXT,
  zone        TEXT,
  labels      JSONB DEFAULT '{}'::jsonb,
  created_at  TIMESTAMPTZ DEFAULT now(),
  last_seen   TIMESTAMPTZ,
  CONSTRAINT ux_resource_urn UNIQUE (tenant_id, urn)
);
CREATE INDEX idx_res_type ON dim_resource(type);
CREATE INDEX idx_res_labels_gin ON dim_resource USING GIN(labels);
CREATE INDEX idx_res_urn ON dim_resource(urn);

CREATE TABLE oo_locator (
  id          BIGSERIAL PRIMARY KEY,
  tenant_id   BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  dataset     TEXT NOT NULL,           -- logs / traces / metrics
  bucket      TEXT NOT NULL,
  object_key  TEXT NOT NULL,
  t_from      TIMESTAMPTZ NOT NULL,
  t_to        TIMESTAMPTZ NOT NULL,
  query_hint  TEXT,
  attributes  JSONB DEFAULT '{}'::jsonb,
  hint_hash   TEXT GENERATED ALWAYS AS (md5(coalesce(query_hint, ''))) STORED
);
CREATE INDEX idx_oo_time ON oo_locator(dataset, t_from, t_to);
CREATE UNIQUE INDEX ux_oo_locator ON oo_locator(tenant_id, dataset, bucket, object_key, t_from, t_to, hint_hash);

CREATE TABLE metric_1m (
  bucket      TIMESTAMPTZ NOT NULL,
  tenant_id   BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  metric      TEXT NOT NULL,
  avg_val     DOUBLE PRECISION,
  max_val     DOUBLE PRECISION,
  p95_val     DOUBLE PRECISION,
  labels      JSONB NOT NULL DEFAULT '{}'::jsonb,
  min_val     DOUBLE PRECISION,
  count       BIGINT NOT NULL DEFAULT 0,
  sum_val     DOUBLE PRECISION,
  sketch      BYTEA,
  labels_hash TEXT GENERATED ALWAYS AS (md5(labels::text)) STORED
);
CREATE UNIQUE INDEX ux_metric_1m ON metric_1m(bucket, tenant_id, resource_id, metric, labels_hash);
CREATE INDEX idx_metric_key ON metric_1m(resource_id, metric, bucket DESC);
CREATE INDEX idx_metric_labels ON metric_1m USING GIN(labels);
CREATE INDEX idx_metric_tenant_bucket ON metric_1m(tenant_id, bucket);

CREATE TABLE service_call_5m (
  bucket          TIMESTAMPTZ NOT NULL,
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  src_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  dst_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  rps             DOUBLE PRECISION,
  err_rate        DOUBLE PRECISION,
  p50_ms          DOUBLE PRECISION,
  p95_ms          DOUBLE PRECISION,
  sample_ref      BIGINT REFERENCES oo_locator(id),
  calls           BIGINT NOT NULL DEFAULT 0,
  errors          BIGINT NOT NULL DEFAULT 0,
  latency_sketch  BYTEA,
  PRIMARY KEY (bucket, tenant_id, src_resource_id, dst_resource_id)
);
CREATE INDEX idx_call_src_dst ON service_call_5m(src_resource_id, dst_resource_id, bucket);
CREATE INDEX idx_call_tenant_bucket ON service_call_5m(tenant_id, bucket);

CREATE TABLE log_pattern (
  fingerprint_id BIGSERIAL PRIMARY KEY,
  tenant_id      BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  pattern        TEXT NOT NULL,
  sample_message TEXT,
  severity       TEXT,
  attrs_schema   JSONB DEFAULT '{}'::jsonb,
  first_seen     TIMESTAMPTZ,
  last_seen      TIMESTAMPTZ,
  fingerprint    TEXT NOT NULL,
  updated_at     TIMESTAMPTZ DEFAULT now(),
  CONSTRAINT ux_log_pattern_fp UNIQUE (tenant_id, fingerprint)
);
CREATE INDEX idx_logpat_tenant ON log_pattern(tenant_id);
CREATE INDEX idx_logpat_pattern_trgm ON log_pattern USING GIN (pattern {{ext:pg_trgm}}.gin_trgm_ops);

CREATE TABLE log_pattern_5m (
  bucket         TIMESTAMPTZ NOT NULL,
  tenant_id      BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  resource_id    BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  fingerprint_id BIGINT NOT NULL REFERENCES log_pattern(fingerprint_id),
  count_total    BIGINT NOT NULL,
  count_error    BIGINT NOT NULL DEFAULT 0,
  sample_ref     BIGINT REFERENCES oo_locator(id),
  PRIMARY KEY (bucket, tenant_id, resource_id, fingerprint_id)
);
CREATE INDEX idx_logpat5m_res ON log_pattern_5m(resource_id, bucket DESC);
CREATE INDEX idx_logpat5m_tenant_bucket ON log_pattern_5m(tenant_id, bucket);

CREATE TABLE topo_edge_time (
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  src_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  dst_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  relation        TEXT NOT NULL,
  valid           TSTZRANGE NOT NULL, -- [from, to)
  props           JSONB DEFAULT '{}'::jsonb,
  origin          TEXT NOT NULL DEFAULT 'unknown',
  PRIMARY KEY (tenant_id, src_resource_id, dst_resource_id, relation, origin, valid),
  CONSTRAINT ex_topo_edge_no_overlap EXCLUDE USING GIST (
    tenant_id WITH =, src_resource_id WITH =, dst_resource_id WITH =, relation WITH =, origin WITH =, valid WITH &&
  )
);
CREATE INDEX idx_topo_valid ON topo_edge_time USING GIST (tenant_id, valid);
CREATE INDEX idx_topo_open ON topo_edge_time(tenant_id, origin) WHERE upper_inf(valid);

CREATE TABLE kb_doc (
  doc_id     BIGSERIAL PRIMARY KEY,
  tenant_id  BIGINT REFERENCES dim_tenant(tenant_id),
  source     TEXT,
  title      TEXT,
  url        TEXT,
  metadata   JSONB DEFAULT '{}'::jsonb,
  created_at TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE kb_chunk (
  chunk_id  BIGSERIAL PRIMARY KEY,
  doc_id    BIGINT REFERENCES kb_doc(doc_id) ON DELETE CASCADE,
  chunk_idx INT NOT NULL,
  content   TEXT NOT NULL,
  metadata  JSONB DEFAULT '{}'::jsonb
);
CREATE INDEX idx_kb_chunk_doc ON kb_chunk(doc_id, chunk_idx);
CREATE INDEX idx_kb_chunk_meta ON kb_chunk USING GIN(metadata);

CREATE TYPE severity AS ENUM ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL');

CREATE TABLE event_envelope (
  event_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  detected_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  tenant_id    BIGINT REFERENCES dim_tenant(tenant_id),
  resource_id  BIGINT REFERENCES dim_resource(resource_id),
  severity     severity NOT NULL,
  kind         TEXT NOT NULL,      -- anomaly/slo_violation/deploy/incident/...
  title        TEXT,
  summary      TEXT,
  labels       JSONB DEFAULT '{}'::jsonb,
  fingerprints JSONB DEFAULT '{}'::jsonb
);
CREATE INDEX idx_event_time ON event_envelope(tenant_id, detected_at DESC);

-- A primary key cannot be an expression, so: surrogate key + unique index over (ref_pg hash, ref_oo).
CREATE TABLE evidence_link (
  evidence_id BIGSERIAL PRIMARY KEY,
  event_id    UUID NOT NULL REFERENCES event_envelope(event_id) ON DELETE CASCADE,
  dim         TEXT NOT NULL,      -- metric/log/trace/topo/kb
  ref_pg      JSONB,             -- {"table": "...", "keys": {...}}
  ref_oo      BIGINT REFERENCES oo_locator(id),
  note        TEXT,
  ref_pg_hash TEXT GENERATED ALWAYS AS (md5(coalesce(ref_pg::text, ''))) STORED
);
CREATE UNIQUE INDEX ux_evidence_unique ON evidence_link(event_id, dim, ref_pg_hash, coalesce(ref_oo, 0));
CREATE INDEX idx_evidence_event ON evidence_link(event_id);
