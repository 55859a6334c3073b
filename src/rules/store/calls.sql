-- Rules: the tenant's service_call_5m rows whose buckets start in [$2, $3), with both ends' URNs,
-- types, names and namespaces. $4: read the latency sketches (only when a rule needs a quantile).
-- $1 tenant_id, $2 from, $3 to, $4 with_sketch
SELECT c.bucket, c.src_resource_id, c.dst_resource_id, c.calls, c.errors, c.rps, c.err_rate, c.p50_ms, c.p95_ms,
       c.sample_ref, CASE WHEN $4::boolean THEN c.latency_sketch END AS sketch,
       s.urn AS src, s.type AS src_type, s.name AS src_name,
       coalesce(s.labels->>'k8s.namespace.name', s.labels->>'service.namespace') AS src_namespace,
       d.urn AS dst, d.type AS dst_type, d.name AS dst_name,
       coalesce(d.labels->>'k8s.namespace.name', d.labels->>'service.namespace') AS dst_namespace
FROM service_call_5m c
JOIN dim_resource s ON s.resource_id = c.src_resource_id
JOIN dim_resource d ON d.resource_id = c.dst_resource_id
WHERE c.tenant_id = $1 AND c.bucket >= $2::timestamptz AND c.bucket < $3::timestamptz
ORDER BY c.bucket, s.urn, d.urn
