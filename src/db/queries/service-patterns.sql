-- The log patterns of one resource over a span with errors first: counts summed over the 5-minute
-- buckets. $1 tenant_id, $2 urn, $3 from, $4 to, $5 limit, $6 only patterns with errors
SELECT p.fingerprint, p.pattern, p.severity,
       sum(b.count_total)::bigint AS count_total,
       sum(b.count_error)::bigint AS count_error
FROM dim_resource r
JOIN log_pattern_5m b
  ON b.tenant_id = r.tenant_id AND b.resource_id = r.resource_id
 AND b.bucket >= $3::timestamptz AND b.bucket < $4::timestamptz
JOIN log_pattern p ON p.fingerprint_id = b.fingerprint_id
WHERE r.tenant_id = $1 AND r.urn = $2
GROUP BY p.fingerprint, p.pattern, p.severity
HAVING NOT $6::boolean OR sum(b.count_error) > 0
ORDER BY count_error DESC, count_total DESC, p.fingerprint
LIMIT $5
