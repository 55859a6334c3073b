-- The newest bucket of a tenant's trace samples (edge and log-pattern samples): what the correlation
-- reads fall back on. Each max is a backward walk of the table's (bucket, tenant_id, …) primary key
-- that stops at the tenant's first row; greatest() skips the side without rows.
-- $1 tenant_id
SELECT greatest((SELECT max(bucket) FROM service_call_trace_5m WHERE tenant_id = $1),
                (SELECT max(bucket) FROM log_pattern_trace_5m WHERE tenant_id = $1)) AS newest
