-- Rules: the tenant's log_pattern_5m rows whose buckets start in [$2, $3), with the resource and the
-- pattern (fingerprint, template, severity).
-- $1 tenant_id, $2 from, $3 to
SELECT p.bucket, p.resource_id, p.fingerprint_id, p.count_total, p.count_error, p.sample_ref,
       r.urn, r.type, r.name, coalesce(r.labels->>'k8s.namespace.name', r.labels->>'service.namespace') AS namespace,
       lp.fingerprint, lp.pattern, lp.severity
FROM log_pattern_5m p
JOIN dim_resource r ON r.resource_id = p.resource_id
JOIN log_pattern lp ON lp.fingerprint_id = p.fingerprint_id
WHERE p.tenant_id = $1 AND p.bucket >= $2::timestamptz AND p.bucket < $3::timestamptz
ORDER BY p.bucket, r.urn, lp.fingerprint
