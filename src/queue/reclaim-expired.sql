-- Runs whose worker was lost (lease expired) on their last allowed attempt: nobody may claim them
-- again, so they end `dead` with a reason instead of staying `running` forever. Expired runs with
-- attempts left need nothing here: the claim takes them again.
-- $1 now
UPDATE etl_job_run
SET status = 'dead', locked_by = NULL, lease_until = NULL, finished_at = $1, updated_at = $1,
    last_error = 'worker lost (lease expired) on attempt ' || attempt || ' of ' || max_attempts
                 || coalesce('; previous error: ' || last_error, '')
WHERE status = 'running' AND lease_until <= $1 AND attempt >= max_attempts
RETURNING run_id, job, tenant_id
