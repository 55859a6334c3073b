-- Record a failed attempt, only while this worker still owns the run (same claimer and attempt).
-- The run becomes `dead` when the error is permanent or its attempts are used up, else `failed`
-- and claimable again at $7 (the backoff, computed once in backoff.ts). The (job, tenant) circuit
-- counts the failure: it opens at $8 consecutive failures, and a failed probe re-opens it; either
-- way it stays open for the cool-down $9. A failure of our own database ($10: a dropped connection,
-- a server restarting) says nothing about the tenant's source or data: it is retried like any other
-- but leaves the circuit alone, so a database outage cannot open every tenant's circuit.
-- $1 run_id, $2 worker id, $3 attempt, $4 now, $5 error text, $6 permanent, $7 run_after,
-- $8 failures that open the circuit, $9 cool-down ms, $10 infrastructure failure
WITH f AS (
  UPDATE etl_job_run
  SET status = CASE WHEN $6::boolean OR attempt >= max_attempts THEN 'dead' ELSE 'failed' END,
      run_after = CASE WHEN $6::boolean OR attempt >= max_attempts THEN run_after ELSE $7::timestamptz END,
      last_error = $5, lease_until = NULL, locked_by = NULL, finished_at = $4, updated_at = $4
  WHERE run_id = $1 AND locked_by = $2 AND attempt = $3 AND status = 'running'
  RETURNING job, tenant_id, status, run_after
),
prev AS (
  SELECT c.state, c.consecutive_failures, c.retry_at
  FROM etl_job_circuit c JOIN f ON f.job = c.job AND f.tenant_id = c.tenant_id
),
c AS (
  INSERT INTO etl_job_circuit AS c (job, tenant_id, state, consecutive_failures, opened_at, retry_at, last_error, updated_at)
  SELECT f.job, f.tenant_id,
         CASE WHEN 1 >= $8::int THEN 'open' ELSE 'closed' END, 1,
         CASE WHEN 1 >= $8::int THEN $4::timestamptz END,
         CASE WHEN 1 >= $8::int THEN $4::timestamptz + $9::bigint * interval '1 millisecond' END,
         $5, $4
  FROM f
  WHERE NOT $10::boolean
  ON CONFLICT (job, tenant_id) DO UPDATE
  SET consecutive_failures = c.consecutive_failures + 1,
      state = CASE WHEN c.state <> 'closed' OR c.consecutive_failures + 1 >= $8::int THEN 'open' ELSE 'closed' END,
      opened_at = CASE WHEN c.state = 'closed' AND c.consecutive_failures + 1 >= $8::int THEN $4::timestamptz
                       ELSE c.opened_at END,
      retry_at = CASE WHEN c.state <> 'closed' OR c.consecutive_failures + 1 >= $8::int
                      THEN $4::timestamptz + $9::bigint * interval '1 millisecond' ELSE c.retry_at END,
      last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at
  RETURNING c.state, c.consecutive_failures, c.retry_at
)
SELECT f.status, f.run_after,
       coalesce(c.state, (SELECT state FROM prev), 'closed') AS circuit,
       coalesce(c.consecutive_failures, (SELECT consecutive_failures FROM prev), 0) AS consecutive_failures,
       coalesce(c.retry_at, (SELECT retry_at FROM prev)) AS circuit_retry_at,
       (SELECT state FROM prev) AS previous_circuit
FROM f LEFT JOIN c ON true
