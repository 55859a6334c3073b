-- How many distinct traces the pattern's samples hold in [from, to), and whether the pattern exists.
SELECT p.pattern, p.severity, count(DISTINCT s.trace_id)::int AS traces
  FROM log_pattern p
  LEFT JOIN log_pattern_trace_5m s
    ON s.fingerprint_id = p.fingerprint_id AND s.tenant_id = $1
   AND s.bucket >= $3::timestamptz AND s.bucket < $4::timestamptz
 WHERE p.tenant_id = $1 AND p.fingerprint = $2
 GROUP BY p.pattern, p.severity
