-- Log patterns of the edge's two sides that occur in its sampled traces, counted in failed and in
-- healthy traces. Lines may fall in the bucket before or after the call's: ±5 minutes. Patterns are
-- named by their canonical fingerprint (log_pattern_resolved): a renamed or merged pattern counts once.
WITH t AS (
  SELECT trace_id, bool_or(failed) AS failed
    FROM service_call_trace_5m
   WHERE tenant_id = $1 AND src_resource_id = $2 AND dst_resource_id = $3
     AND bucket >= $4::timestamptz AND bucket < $5::timestamptz
   GROUP BY trace_id
), p AS (
  SELECT s.resource_id, rp.canonical_id AS fingerprint_id, s.trace_id, t.failed
    FROM log_pattern_trace_5m s
    JOIN t ON t.trace_id = s.trace_id
    JOIN log_pattern_resolved rp ON rp.fingerprint_id = s.fingerprint_id
   WHERE s.tenant_id = $1 AND s.resource_id IN ($2, $3)
     AND s.bucket >= $4::timestamptz - interval '5 minutes' AND s.bucket < $5::timestamptz + interval '5 minutes'
   GROUP BY 1, 2, 3, 4
)
SELECT p.resource_id, p.fingerprint_id, r.urn AS resource, lp.fingerprint, lp.pattern, lp.severity,
       (count(*) FILTER (WHERE p.failed))::int AS in_failed,
       (count(*) FILTER (WHERE NOT p.failed))::int AS in_healthy
  FROM p
  JOIN dim_resource r ON r.resource_id = p.resource_id
  JOIN log_pattern lp ON lp.fingerprint_id = p.fingerprint_id
 GROUP BY p.resource_id, p.fingerprint_id, r.urn, lp.fingerprint, lp.pattern, lp.severity
