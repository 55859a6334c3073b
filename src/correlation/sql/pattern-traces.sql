-- The pattern (its canonical row when $2 was renamed or merged) and how many distinct traces the
-- samples of it and of its aliases hold in [from, to).
WITH c AS (
  SELECT canonical_id, canonical FROM log_pattern_resolved WHERE tenant_id = $1 AND fingerprint = $2
)
SELECT p.fingerprint, p.pattern, p.severity,
       (SELECT count(DISTINCT s.trace_id)
          FROM log_pattern_trace_5m s
          JOIN log_pattern_resolved rp ON rp.fingerprint_id = s.fingerprint_id
         WHERE s.tenant_id = $1 AND rp.canonical = c.canonical
           AND s.bucket >= $3::timestamptz AND s.bucket < $4::timestamptz)::int AS traces
  FROM c JOIN log_pattern p ON p.fingerprint_id = c.canonical_id
