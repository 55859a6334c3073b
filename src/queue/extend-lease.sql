-- Heartbeat: extend the leases of the runs this worker still owns, in one statement. A run missing
-- from the result was taken over (or released): the caller aborts it.
-- $1 run_id[], $2 attempt[], $3 worker id, $4 new lease_until, $5 now
UPDATE etl_job_run r
SET lease_until = $4, updated_at = $5
FROM unnest($1::bigint[], $2::int[]) AS h(run_id, attempt)
WHERE r.run_id = h.run_id AND r.attempt = h.attempt AND r.locked_by = $3 AND r.status = 'running'
RETURNING r.run_id
