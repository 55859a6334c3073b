-- The circuit of every (job, tenant) that has one; a pair without a row is closed.
SELECT c.job, t.code AS tenant, c.state
FROM etl_job_circuit c
JOIN dim_tenant t ON t.tenant_id = c.tenant_id
