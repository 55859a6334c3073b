-- The upstream callers of one resource over a span, per caller: the same columns as
-- dependencies.sql (the caller's URN in `dst`), so dependencyFromRow merges the sketches alike.
-- $1 tenant_id, $2 resource urn, $3 span start (inclusive), $4 span end (exclusive)
SELECT s.urn AS dst,
       s.type AS dst_type,
       count(*)::int AS buckets,
       sum(c.calls)::bigint AS calls,
       sum(c.errors)::bigint AS errors,
       max(c.p95_ms) AS p95_max,
       count(c.latency_sketch)::int AS sketched,
       string_agg(encode(c.latency_sketch, 'base64'), ',') AS sketches
FROM dim_resource d
JOIN service_call_5m c
  ON c.tenant_id = d.tenant_id AND c.dst_resource_id = d.resource_id
 AND c.bucket >= $3::timestamptz AND c.bucket < $4::timestamptz
JOIN dim_resource s ON s.resource_id = c.src_resource_id AND s.tenant_id = d.tenant_id
WHERE d.tenant_id = $1 AND d.urn = $2
GROUP BY s.urn, s.type
