-- Mark a run success inside the job's own write transaction, only while this worker still owns it
-- (same claimer and attempt, still running, lease not expired), and close its circuit.
-- Zero rows in `done` means the lease was lost: the caller throws and the whole transaction,
-- the job's rows included, rolls back.
-- $1 run_id, $2 worker id, $3 attempt, $4 now, $5 stats (jsonb)
WITH done AS (
  UPDATE etl_job_run
  SET status = 'success', finished_at = $4, updated_at = $4, lease_until = NULL, locked_by = NULL,
      last_error = NULL, stats = $5::jsonb
  WHERE run_id = $1 AND locked_by = $2 AND attempt = $3 AND status = 'running' AND lease_until > $4
  RETURNING job, tenant_id
),
old AS (
  SELECT c.job, c.tenant_id, c.state FROM etl_job_circuit c
  JOIN done d ON d.job = c.job AND d.tenant_id = c.tenant_id
  WHERE c.state <> 'closed' OR c.consecutive_failures > 0
  FOR UPDATE OF c
),
closed AS (
  UPDATE etl_job_circuit c
  SET state = 'closed', consecutive_failures = 0, opened_at = NULL, retry_at = NULL, updated_at = $4
  FROM old o
  WHERE c.job = o.job AND c.tenant_id = o.tenant_id
  RETURNING o.state AS previous
)
SELECT (SELECT count(*) FROM done)::int AS updated, (SELECT previous FROM closed) AS previous_circuit
