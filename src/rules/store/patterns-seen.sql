-- Rules (new_pattern): the (resource, pattern) pairs that occurred in [$2, $3).
-- $1 tenant_id, $2 from, $3 to
SELECT DISTINCT resource_id, fingerprint_id
FROM log_pattern_5m
WHERE tenant_id = $1 AND bucket >= $2::timestamptz AND bucket < $3::timestamptz
