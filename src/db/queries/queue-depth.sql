-- Runs not yet successful, by (job, tenant, status). Successful runs are the bulk of the table and are
-- not counted.
SELECT r.job, t.code AS tenant, r.status, count(*)::bigint AS n
FROM etl_job_run r
JOIN dim_tenant t ON t.tenant_id = r.tenant_id
WHERE r.status IN ('queued', 'running', 'failed', 'dead')
GROUP BY 1, 2, 3
