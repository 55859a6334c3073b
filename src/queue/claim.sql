-- Claim up to $4 windows in one statement. A window is claimable when
--   * it is queued, or failed with run_after <= now, or running with an expired lease (worker lost),
--     and has attempts left;
--   * its end is <= the upper bound of its (job, tenant), computed by the caller from the injected now
--     (so future windows stay queued), and it starts at or after the pair's min_from (backfill scope);
--   * the windows of every job it depends on (`after`) that cover [from − lookbehind, to) have
--     succeeded for the tenant (clipped to where that job's history starts; none started = not yet);
--   * its (job, tenant) circuit is closed, or open/half-open past retry_at with no probe in flight:
--     then exactly one window runs as the probe and the circuit turns half_open in this statement;
--   * for a sequential job: it is the tenant's oldest unfinished window and none is running.
-- Rows are locked with FOR UPDATE SKIP LOCKED, so concurrent claimers never take the same window;
-- the attempt is counted here, at claim time. Per-job free slots ($11/$12) bound what this worker
-- takes; tenants are interleaved (pair_rn) so one tenant's backlog cannot take every slot.
-- $1 now, $2 lease_until, $3 worker id, $4 total limit,
-- $5..$10 pairs: job, tenant_id, upper, min_from, sequential, pair_limit,
-- $11/$12 job slots: job, free, $13..$16 dependencies: job, tenant_id, dep_job, lookbehind ms
WITH pairs AS (
  SELECT * FROM unnest($5::text[], $6::bigint[], $7::timestamptz[], $8::timestamptz[], $9::boolean[], $10::int[])
    WITH ORDINALITY AS p(job, tenant_id, upper, min_from, sequential, pair_limit, ord)
),
slots AS (
  SELECT * FROM unnest($11::text[], $12::int[]) AS s(job, free)
),
deps AS (
  SELECT * FROM unnest($13::text[], $14::bigint[], $15::text[], $16::bigint[]) AS d(job, tenant_id, dep_job, lookbehind_ms)
),
probe_lock AS (
  -- Circuits that may let one probe through now. Locking them makes a concurrent claimer skip the
  -- pair; retry_at is moved forward below, so a claimer that waited re-checks and skips it too.
  SELECT c.job, c.tenant_id FROM etl_job_circuit c
  WHERE c.state <> 'closed' AND c.retry_at <= $1
    AND (c.job, c.tenant_id) IN (SELECT job, tenant_id FROM pairs)
    AND NOT EXISTS (SELECT 1 FROM etl_job_run x
                    WHERE x.job = c.job AND x.tenant_id = c.tenant_id AND x.status = 'running' AND x.lease_until > $1)
  FOR UPDATE OF c SKIP LOCKED
),
gate AS (
  SELECT p.*, (pl.job IS NOT NULL) AS probe
  FROM pairs p
  LEFT JOIN probe_lock pl ON pl.job = p.job AND pl.tenant_id = p.tenant_id
  WHERE (pl.job IS NOT NULL
         OR NOT EXISTS (SELECT 1 FROM etl_job_circuit c
                        WHERE c.job = p.job AND c.tenant_id = p.tenant_id AND c.state <> 'closed'))
    AND (NOT p.sequential
         OR NOT EXISTS (SELECT 1 FROM etl_job_run x WHERE x.job = p.job AND x.tenant_id = p.tenant_id
                          AND x.status = 'running' AND x.lease_until > $1))
),
candidates AS (
  SELECT g.job, g.tenant_id, g.ord, g.probe, r.run_id, r.window_from,
         row_number() OVER (PARTITION BY g.job, g.tenant_id ORDER BY r.window_from) AS pair_rn
  FROM gate g
  CROSS JOIN LATERAL (
    SELECT r.run_id, r.window_from
    FROM etl_job_run r
    WHERE r.job = g.job AND r.tenant_id = g.tenant_id
      AND r.status IN ('queued', 'failed', 'running')
      AND r.window_from >= g.min_from AND r.window_from < g.upper AND r.window_to <= g.upper
      AND ((r.status IN ('queued', 'failed') AND r.run_after <= $1)
           OR (r.status = 'running' AND r.lease_until <= $1))
      AND r.attempt < r.max_attempts
      AND (NOT g.sequential
           OR r.window_from = (SELECT min(o.window_from) FROM etl_job_run o
                               WHERE o.job = g.job AND o.tenant_id = g.tenant_id
                                 AND o.status IN ('queued', 'failed', 'running')))
      AND NOT EXISTS (
        SELECT 1
        FROM deps d
        CROSS JOIN LATERAL (SELECT min(x.window_from) AS first_from FROM etl_job_run x
                            WHERE x.job = d.dep_job AND x.tenant_id = d.tenant_id) f
        CROSS JOIN LATERAL (SELECT greatest(r.window_from - d.lookbehind_ms * interval '1 millisecond',
                                            f.first_from) AS lo) b
        WHERE d.job = g.job AND d.tenant_id = g.tenant_id
          AND (f.first_from IS NULL OR f.first_from > r.window_from
               OR coalesce((SELECT sum(extract(epoch FROM least(x.window_to, r.window_to) - greatest(x.window_from, b.lo)))
                            FROM etl_job_run x
                            WHERE x.job = d.dep_job AND x.tenant_id = d.tenant_id AND x.status = 'success'
                              AND x.window_from < r.window_to AND x.window_to > b.lo), 0)
                  < extract(epoch FROM r.window_to - b.lo))
      )
    ORDER BY r.window_from
    LIMIT CASE WHEN g.probe OR g.sequential THEN 1 ELSE g.pair_limit END
    FOR UPDATE OF r SKIP LOCKED
  ) r
),
chosen AS (
  SELECT k.*
  FROM (SELECT c.*, row_number() OVER (PARTITION BY c.job ORDER BY c.pair_rn, c.ord) AS job_rn FROM candidates c) k
  JOIN slots s ON s.job = k.job
  WHERE k.job_rn <= s.free
  ORDER BY k.pair_rn, k.ord
  LIMIT $4
),
claimed AS (
  UPDATE etl_job_run r
  SET status = 'running', attempt = r.attempt + 1, locked_by = $3, lease_until = $2,
      started_at = $1, finished_at = NULL, updated_at = $1
  FROM chosen k
  WHERE r.run_id = k.run_id
  RETURNING r.run_id, r.job, r.tenant_id, r.window_from, r.window_to, r.attempt, r.max_attempts, k.probe, k.pair_rn, k.ord
),
probed AS (
  UPDATE etl_job_circuit c
  SET state = 'half_open', retry_at = $2, updated_at = $1
  FROM claimed k
  WHERE k.probe AND c.job = k.job AND c.tenant_id = k.tenant_id
  RETURNING c.job
)
SELECT run_id, job, tenant_id, window_from, window_to, attempt, max_attempts, probe
FROM claimed
ORDER BY pair_rn, ord
