-- This schema's TimescaleDB retention policies whose drop_after is not the configured retention
-- ($1: hypertable names, $2: the retention of each as an interval text, same order): each one is
-- altered to it and returned. A policy already at its retention is neither altered nor returned,
-- so processes starting together change nothing after the first.
WITH wanted AS (
  SELECT w.hypertable_name, w.drop_after::interval AS drop_after
    FROM unnest($1::text[], $2::text[]) AS w(hypertable_name, drop_after)
)
SELECT j.job_id, j.hypertable_name, j.config ->> 'drop_after' AS was, w.drop_after::text AS now,
       {{ext:timescaledb}}.alter_job(j.job_id, config => j.config || jsonb_build_object('drop_after', w.drop_after::text)) IS NOT NULL AS altered
  FROM timescaledb_information.jobs j
  JOIN wanted w ON w.hypertable_name = j.hypertable_name
 WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = current_schema()
   AND (j.config ->> 'drop_after')::interval IS DISTINCT FROM w.drop_after
 ORDER BY j.job_id
