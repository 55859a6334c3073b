-- The tenant's call buckets in [$2, $3) (the 10 minutes before the window's end).
SELECT src_resource_id AS src,
       dst_resource_id AS dst,
       (extract(epoch FROM bucket) * 1000)::float8 AS bucket_ms,
       calls,
       errors,
       latency_sketch,
       p95_ms
  FROM service_call_5m
 WHERE tenant_id = $1
   AND bucket >= $2
   AND bucket < $3
