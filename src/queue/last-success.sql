-- End of the newest successful window of one (job, tenant) (idx_run_job_tenant_to).
-- $1 job, $2 tenant_id
SELECT max(window_to) AS last_to FROM etl_job_run WHERE job = $1 AND tenant_id = $2 AND status = 'success'
