-- TimescaleDB present: the aggregate tables become hypertables with the seed's chunk sizes,
-- compression and retention policies. migrate_data moves rows written before the extension existed.
SELECT create_hypertable('metric_1m', 'bucket', chunk_time_interval => interval '7 days', migrate_data => true, if_not_exists => true);
SELECT create_hypertable('service_call_5m', 'bucket', chunk_time_interval => interval '30 days', migrate_data => true, if_not_exists => true);
SELECT create_hypertable('log_pattern_5m', 'bucket', chunk_time_interval => interval '30 days', migrate_data => true, if_not_exists => true);
ALTER TABLE metric_1m SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'tenant_id, resource_id, metric',
  timescaledb.compress_orderby   = 'bucket DESC, labels_hash'
);
SELECT add_compression_policy('metric_1m', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('metric_1m', INTERVAL '180 days', if_not_exists => true);
SELECT add_retention_policy('service_call_5m', INTERVAL '365 days', if_not_exists => true);
SELECT add_retention_policy('log_pattern_5m', INTERVAL '180 days', if_not_exists => true);
