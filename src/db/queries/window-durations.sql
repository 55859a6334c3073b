-- How long the newest successful windows of each (job, tenant) took (finished − started of the run's
-- last attempt), newest first: the overview's sparklines. idx_run_job_tenant_to serves each lateral.
-- $1 job[], $2 tenant_id[], $3 windows per pair
SELECT p.job, p.tenant_id, d.window_from, d.ms
FROM unnest($1::text[], $2::bigint[]) AS p(job, tenant_id)
CROSS JOIN LATERAL (
  SELECT r.window_from, (extract(epoch FROM (r.finished_at - r.started_at)) * 1000)::float8 AS ms
  FROM etl_job_run r
  WHERE r.job = p.job AND r.tenant_id = p.tenant_id AND r.status = 'success'
    AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL
  ORDER BY r.window_to DESC
  LIMIT $3
) d
