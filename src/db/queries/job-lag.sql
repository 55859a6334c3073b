-- Per (job, enabled tenant): the end of the newest successful window and the start of the oldest run.
-- Both subqueries are index-bounded (idx_run_job_tenant_to, ux_job_once), so a scrape costs a few index
-- probes per pair whatever the length of the run history.
-- $1 job names
SELECT j.job, t.code AS tenant,
       (SELECT max(r.window_to) FROM etl_job_run r
         WHERE r.job = j.job AND r.tenant_id = t.tenant_id AND r.status = 'success') AS last_success_to,
       (SELECT min(r.window_from) FROM etl_job_run r
         WHERE r.job = j.job AND r.tenant_id = t.tenant_id) AS first_from
FROM unnest($1::text[]) AS j(job)
CROSS JOIN dim_tenant t
WHERE t.enabled
ORDER BY 1, 2
