-- Graceful shutdown: give back runs that did not finish within the grace period. The interrupted
-- attempt is not counted (attempt − 1) and the window is claimable at once by another worker.
-- $1 run_id[], $2 attempt[], $3 worker id, $4 now
UPDATE etl_job_run r
SET status = 'queued', attempt = greatest(r.attempt - 1, 0), run_after = $4, lease_until = NULL,
    locked_by = NULL, updated_at = $4
FROM unnest($1::bigint[], $2::int[]) AS h(run_id, attempt)
WHERE r.run_id = h.run_id AND r.attempt = h.attempt AND r.locked_by = $3 AND r.status = 'running'
RETURNING r.run_id
