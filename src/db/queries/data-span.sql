-- The oldest and newest bucket of each summary table for one tenant: what a read with a default time
-- range can fall back on, and the bounds a time slider offers. Each min/max is one probe of the
-- table's (tenant_id, bucket) index, whatever the table's size.
-- $1 tenant_id
SELECT 'calls' AS dataset, 300000 AS step_ms,
       (SELECT min(bucket) FROM service_call_5m WHERE tenant_id = $1) AS oldest,
       (SELECT max(bucket) FROM service_call_5m WHERE tenant_id = $1) AS newest
UNION ALL
SELECT 'metrics', 60000,
       (SELECT min(bucket) FROM metric_1m WHERE tenant_id = $1),
       (SELECT max(bucket) FROM metric_1m WHERE tenant_id = $1)
UNION ALL
SELECT 'logs', 300000,
       (SELECT min(bucket) FROM log_pattern_5m WHERE tenant_id = $1),
       (SELECT max(bucket) FROM log_pattern_5m WHERE tenant_id = $1)
