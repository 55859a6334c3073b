-- Enqueue windows of one (job, tenant), idempotently through ux_job_once. With $7 (force), a window
-- that already ended (success or dead) is queued again with a fresh attempt budget; pending and
-- running windows are left as they are.
-- $1 job, $2 tenant_id, $3 window_from[], $4 window_to[], $5 max_attempts, $6 now, $7 force
WITH w AS (
  SELECT * FROM unnest($3::timestamptz[], $4::timestamptz[]) AS w(window_from, window_to)
),
ins AS (
  INSERT INTO etl_job_run AS r (job, tenant_id, window_from, window_to, max_attempts, created_at, updated_at)
  SELECT $1, $2, w.window_from, w.window_to, $5, $6, $6 FROM w
  ON CONFLICT (job, tenant_id, window_from) DO UPDATE
    SET status = 'queued', attempt = 0, run_after = '-infinity', last_error = NULL, lease_until = NULL,
        locked_by = NULL, max_attempts = EXCLUDED.max_attempts, revisits = 0, updated_at = EXCLUDED.updated_at
    WHERE $7::boolean AND r.status IN ('success', 'dead')
  RETURNING r.window_from, r.status, (r.xmax = 0) AS inserted
)
SELECT w.window_from, w.window_to,
       coalesce(ins.status, cur.status) AS status,
       CASE WHEN ins.inserted THEN 'inserted' WHEN ins.window_from IS NOT NULL THEN 'requeued' ELSE 'existing' END AS action
FROM w
LEFT JOIN ins ON ins.window_from = w.window_from
LEFT JOIN etl_job_run cur ON cur.job = $1 AND cur.tenant_id = $2 AND cur.window_from = w.window_from
ORDER BY w.window_from
