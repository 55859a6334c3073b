-- Queue support for the claim statement and revisits (src/queue/).
--  * The claim scans one (job, tenant)'s unfinished windows oldest first; without this partial index
--    it would walk every successful window of the table's history through ux_job_once.
--  * `revisits` counts how many of the job's configured revisit ages (e.g. 15m, 1h, 6h) a successful
--    window has already been re-queued for, so each age re-runs it at most once.
CREATE INDEX idx_run_unfinished ON etl_job_run(job, tenant_id, window_from)
  WHERE status IN ('queued', 'failed', 'running');
ALTER TABLE etl_job_run ADD COLUMN revisits INT NOT NULL DEFAULT 0;
