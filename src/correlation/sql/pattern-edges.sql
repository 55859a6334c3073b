-- The edges crossed by the sampled traces of one log pattern in [from, to) (±5 minutes for the calls).
WITH t AS (
  SELECT DISTINCT s.trace_id
    FROM log_pattern_trace_5m s
    JOIN log_pattern_resolved rp ON rp.fingerprint_id = s.fingerprint_id
   WHERE s.tenant_id = $1 AND rp.tenant_id = $1
     AND rp.canonical = (SELECT canonical FROM log_pattern_resolved WHERE tenant_id = $1 AND fingerprint = $2)
     AND s.bucket >= $3::timestamptz AND s.bucket < $4::timestamptz
)
SELECT src.urn AS src, dst.urn AS dst,
       count(DISTINCT e.trace_id)::int AS traces,
       (count(DISTINCT e.trace_id) FILTER (WHERE e.failed))::int AS failed_traces,
       (SELECT count(*) FROM t)::int AS pattern_traces
  FROM service_call_trace_5m e
  JOIN t ON t.trace_id = e.trace_id
  JOIN dim_resource src ON src.resource_id = e.src_resource_id
  JOIN dim_resource dst ON dst.resource_id = e.dst_resource_id
 WHERE e.tenant_id = $1
   AND e.bucket >= $3::timestamptz - interval '5 minutes' AND e.bucket < $4::timestamptz + interval '5 minutes'
 GROUP BY src.urn, dst.urn
 ORDER BY failed_traces DESC, traces DESC, src.urn, dst.urn
 LIMIT $5
