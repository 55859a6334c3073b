-- Per (job, tenant): newest successful window end, counts of unfinished and dead runs, circuit,
-- and the most recent error. $1 job[], $2 tenant_id[]
WITH pairs AS (
  SELECT * FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS p(job, tenant_id, ord)
)
SELECT p.job, t.code AS tenant,
       (SELECT max(r.window_to) FROM etl_job_run r
        WHERE r.job = p.job AND r.tenant_id = p.tenant_id AND r.status = 'success') AS last_success_to,
       coalesce(q.queued, 0)::int AS queued, coalesce(q.running, 0)::int AS running,
       coalesce(q.failed, 0)::int AS failed, coalesce(q.dead, 0)::int AS dead,
       coalesce(c.state, 'closed') AS circuit,
       coalesce((SELECT r.last_error FROM etl_job_run r
                 WHERE r.job = p.job AND r.tenant_id = p.tenant_id AND r.status IN ('failed', 'dead', 'running')
                   AND r.last_error IS NOT NULL
                 ORDER BY r.updated_at DESC LIMIT 1), c.last_error) AS last_error
FROM pairs p
JOIN dim_tenant t ON t.tenant_id = p.tenant_id
LEFT JOIN etl_job_circuit c ON c.job = p.job AND c.tenant_id = p.tenant_id
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE r.status = 'queued') AS queued,
         count(*) FILTER (WHERE r.status = 'running') AS running,
         count(*) FILTER (WHERE r.status = 'failed') AS failed,
         count(*) FILTER (WHERE r.status = 'dead') AS dead
  FROM etl_job_run r
  WHERE r.job = p.job AND r.tenant_id = p.tenant_id AND r.status <> 'success'
) q ON true
ORDER BY p.ord
