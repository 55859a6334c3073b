-- The active call graph as a plain table (used when Apache AGE is absent, and as the staging
-- form of the refresh). Vertices are dim_resource rows; k-hop and path queries use recursive CTEs.
--
-- With AGE, migrate.ts runs this file after `SET LOCAL search_path = ag_catalog, "$user", public`,
-- which would create these tables in ag_catalog and miss dim_tenant when the schema is not public
-- (every test schema). Back to the connection's own search_path, ag_catalog appended for this
-- transaction only (a schema that does not exist is ignored there).
RESET search_path;
SELECT set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
CREATE TABLE IF NOT EXISTS graph_active_edge (
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  src_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  dst_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  first_seen      TIMESTAMPTZ NOT NULL,
  last_seen       TIMESTAMPTZ NOT NULL,
  calls           BIGINT NOT NULL,
  errors          BIGINT NOT NULL,
  rps             DOUBLE PRECISION NOT NULL,
  err_rate        DOUBLE PRECISION NOT NULL,
  p95_ms          DOUBLE PRECISION,
  refreshed_to    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, src_resource_id, dst_resource_id)
);
CREATE INDEX IF NOT EXISTS idx_gae_dst ON graph_active_edge(tenant_id, dst_resource_id);

-- Optional structural edges (jobs.age-refresh.options.with_topology): the topology edges open at
-- the refresh window's end, mirrored beside the CALLS edges (in AGE: [:STRUCT {relation}]).
CREATE TABLE IF NOT EXISTS graph_struct_edge (
  tenant_id       BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  src_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  dst_resource_id BIGINT NOT NULL REFERENCES dim_resource(resource_id),
  relation        TEXT NOT NULL,
  PRIMARY KEY (tenant_id, src_resource_id, dst_resource_id, relation)
);
