-- Rules: for an edge that fired, the error patterns of its callee and caller in the same buckets
-- (up to 5 per resource and bucket, most errors first).
-- $1 tenant_id, $2 buckets, $3 resource ids, $4 roles (callee/caller)
SELECT ord, role, bucket, resource_id, fingerprint_id, count_total, count_error, sample_ref, urn, fingerprint, pattern
FROM (
  SELECT u.ord, u.role, p.bucket, p.resource_id, p.fingerprint_id, p.count_total, p.count_error, p.sample_ref, r.urn,
         lp.fingerprint, lp.pattern,
         row_number() OVER (PARTITION BY u.ord ORDER BY p.count_error DESC, lp.fingerprint) AS rn
  FROM unnest($2::timestamptz[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u(bucket, resource_id, role, ord)
  JOIN log_pattern_5m p ON p.tenant_id = $1 AND p.bucket = u.bucket AND p.resource_id = u.resource_id AND p.count_error > 0
  JOIN dim_resource r ON r.resource_id = p.resource_id
  JOIN log_pattern lp ON lp.fingerprint_id = p.fingerprint_id
) x
WHERE rn <= 5
ORDER BY ord, rn
