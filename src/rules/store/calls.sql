-- Rules: the tenant's service_call_5m rows whose buckets start in [$2, $3) (resources are resolved
-- from one dim_resource read: fewer bytes per row; the bucket as epoch ms: cheaper to parse). $4: read
-- the latency sketches of buckets from $5 on (only when a rule needs a quantile; earlier buckets use
-- the stored p95 when a group has one row).
-- $1 tenant_id, $2 from, $3 to, $4 with_sketch, $5 sketch_from
SELECT (extract(epoch FROM c.bucket) * 1000)::float8 AS bucket_ms, c.src_resource_id, c.dst_resource_id, c.calls,
       c.errors, c.rps, c.err_rate, c.p50_ms, c.p95_ms, c.sample_ref,
       CASE WHEN $4::boolean AND c.bucket >= $5::timestamptz THEN c.latency_sketch END AS sketch
FROM service_call_5m c
WHERE c.tenant_id = $1 AND c.bucket >= $2::timestamptz AND c.bucket < $3::timestamptz
ORDER BY c.bucket, c.src_resource_id, c.dst_resource_id
