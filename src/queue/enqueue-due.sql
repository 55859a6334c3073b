-- The scheduler's enqueue for one (job, tenant): every aligned window from $3 up to the upper bound
-- $4 that has no run yet, oldest first, at most $6 of them. generate_series yields in order and the
-- LIMIT stops it early, so a long catch-up costs one bounded statement per tick.
-- $1 job, $2 tenant_id, $3 first window_from, $4 upper bound (newest window_to), $5 align ms,
-- $6 cap, $7 max_attempts, $8 now
INSERT INTO etl_job_run (job, tenant_id, window_from, window_to, max_attempts, created_at, updated_at)
SELECT $1, $2, g.window_from, g.window_from + $5::bigint * interval '1 millisecond', $7, $8, $8
FROM generate_series($3::timestamptz, $4::timestamptz - $5::bigint * interval '1 millisecond',
                     $5::bigint * interval '1 millisecond') AS g(window_from)
WHERE NOT EXISTS (
  SELECT 1 FROM etl_job_run r WHERE r.job = $1 AND r.tenant_id = $2 AND r.window_from = g.window_from
)
LIMIT $6
ON CONFLICT (job, tenant_id, window_from) DO NOTHING
RETURNING window_from
