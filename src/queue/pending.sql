-- What is left for a `run --once` / backfill drain over its pairs: unfinished windows within the
-- bounds, and the earliest time one of them can become claimable by itself: a retry's run_after or
-- a running window's lease end. A pair whose circuit is open is not waited for (its cool-down and
-- probes could take many minutes): its windows count as unfinished. $1 job[], $2 tenant_id[],
-- $3 upper[], $4 min_from[], $5 now
WITH pairs AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::timestamptz[])
    AS p(job, tenant_id, upper, min_from)
),
unfinished_runs AS (
  SELECT r.job, r.tenant_id, r.status, r.run_after, r.lease_until
  FROM pairs p
  JOIN etl_job_run r ON r.job = p.job AND r.tenant_id = p.tenant_id
   AND r.status IN ('queued', 'failed', 'running')
   AND r.window_from >= p.min_from AND r.window_to <= p.upper
)
SELECT (SELECT count(*)::int FROM unfinished_runs) AS unfinished,
       (SELECT count(*)::int FROM unfinished_runs WHERE status = 'running') AS running,
       least(
         (SELECT min(o.run_after) FROM unfinished_runs o
          WHERE o.status = 'failed' AND o.run_after > $5
            AND NOT EXISTS (SELECT 1 FROM etl_job_circuit c
                            WHERE c.job = o.job AND c.tenant_id = o.tenant_id AND c.state <> 'closed')),
         (SELECT min(lease_until) FROM unfinished_runs WHERE status = 'running')
       ) AS next_at
