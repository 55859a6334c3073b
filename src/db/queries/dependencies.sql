-- Typical query 1: the downstream dependencies of one service over the last `since`, per destination.
-- The seed averages the buckets' p95 and err_rate; neither is additive, so this returns the additive
-- parts instead (calls, errors, the buckets' latency sketches) and the caller merges the sketches
-- for an exact-within-α p95 and divides errors by calls (src/db/queries/dependencies.ts).
-- The bucket range comes first so idx_call_tenant_bucket bounds the scan to the span whatever the
-- table's history; the source resource is resolved once through ux_resource_urn.
-- $1 tenant_id, $2 service urn, $3 span start (inclusive), $4 span end (exclusive)
SELECT d.urn AS dst,
       d.type AS dst_type,
       count(*)::int AS buckets,
       sum(c.calls)::bigint AS calls,
       sum(c.errors)::bigint AS errors,
       max(c.p95_ms) AS p95_max,
       count(c.latency_sketch)::int AS sketched,
       -- One base64 text per destination, split by the caller: a bytea[] is parsed character by
       -- character by the drivers' array parser (10× slower on a day of buckets).
       string_agg(encode(c.latency_sketch, 'base64'), ',') AS sketches
FROM dim_resource s
JOIN service_call_5m c
  ON c.tenant_id = s.tenant_id AND c.src_resource_id = s.resource_id
 AND c.bucket >= $3::timestamptz AND c.bucket < $4::timestamptz
JOIN dim_resource d ON d.resource_id = c.dst_resource_id AND d.tenant_id = s.tenant_id
WHERE s.tenant_id = $1 AND s.urn = $2
GROUP BY d.urn, d.type
