-- Job runs of one tenant, newest window first, a page at a time (keyset on (window_from, run_id)).
-- Filters are optional (null = any); from/to select the runs whose window overlaps [from, to).
-- $1 tenant_id, $2 job, $3 status, $4 from, $5 to, $6/$7 the last (window_from, run_id) of the
-- previous page, $8 limit
SELECT run_id, job, window_from, window_to, status, attempt, max_attempts, run_after, lease_until,
       last_error, stats, created_at, started_at, finished_at, updated_at
FROM etl_job_run
WHERE tenant_id = $1
  AND ($2::text IS NULL OR job = $2::text)
  AND ($3::text IS NULL OR status = $3::text)
  AND ($4::timestamptz IS NULL OR window_to > $4::timestamptz)
  AND ($5::timestamptz IS NULL OR window_from < $5::timestamptz)
  AND ($6::timestamptz IS NULL OR (window_from, run_id) < ($6::timestamptz, $7::bigint))
ORDER BY window_from DESC, run_id DESC
LIMIT $8
