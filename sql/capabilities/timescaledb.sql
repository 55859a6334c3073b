-- TimescaleDB present: the aggregate tables become hypertables with the seed's chunk sizes,
-- compression and retention policies. migrate_data moves rows written before the extension existed.
-- {{ext:timescaledb}} is the extension's own schema (pg_extension.extnamespace, see
-- src/db/extension-schema.ts): its functions are never looked up through the search_path, which
-- names our schema and may not name the extension's. The table names are unqualified on purpose:
-- they resolve to the schema being migrated, the first one on the search_path.
SELECT {{ext:timescaledb}}.create_hypertable('metric_1m', 'bucket', chunk_time_interval => interval '7 days', migrate_data => true, if_not_exists => true);
SELECT {{ext:timescaledb}}.create_hypertable('service_call_5m', 'bucket', chunk_time_interval => interval '30 days', migrate_data => true, if_not_exists => true);
SELECT {{ext:timescaledb}}.create_hypertable('log_pattern_5m', 'bucket', chunk_time_interval => interval '30 days', migrate_data => true, if_not_exists => true);
ALTER TABLE metric_1m SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'tenant_id, resource_id, metric',
  timescaledb.compress_orderby   = 'bucket DESC, labels_hash'
);
SELECT {{ext:timescaledb}}.add_compression_policy('metric_1m', INTERVAL '7 days', if_not_exists => true);
SELECT {{ext:timescaledb}}.add_retention_policy('metric_1m', INTERVAL '180 days', if_not_exists => true);
SELECT {{ext:timescaledb}}.add_retention_policy('service_call_5m', INTERVAL '365 days', if_not_exists => true);
SELECT {{ext:timescaledb}}.add_retention_policy('log_pattern_5m', INTERVAL '180 days', if_not_exists => true);
