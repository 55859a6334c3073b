-- Re-queue successful windows of one (job, tenant) once per revisit age that has passed since the
-- window's end (late data). `revisits` records how many ages were handled; a window whose last run
-- already finished after the newest passed age (a backfill) only has its counter moved on.
-- Only windows ending after $5 are looked at (idx_run_job_tenant_to), so the scan stays small.
-- $1 job, $2 tenant_id, $3 now, $4 ages ms (ascending), $5 oldest window_to considered
WITH due AS (
  SELECT r.run_id,
         (SELECT count(*)::int FROM unnest($4::bigint[]) a WHERE r.window_to + a * interval '1 millisecond' <= $3) AS k
  FROM etl_job_run r
  WHERE r.job = $1 AND r.tenant_id = $2 AND r.status = 'success' AND r.window_to > $5
)
UPDATE etl_job_run r
SET revisits = d.k,
    status = CASE WHEN r.finished_at < r.window_to + ($4::bigint[])[d.k] * interval '1 millisecond'
                  THEN 'queued' ELSE r.status END,
    attempt = CASE WHEN r.finished_at < r.window_to + ($4::bigint[])[d.k] * interval '1 millisecond'
                   THEN 0 ELSE r.attempt END,
    run_after = '-infinity', updated_at = $3
FROM due d
WHERE r.run_id = d.run_id AND d.k > r.revisits AND r.status = 'success'
RETURNING r.status
