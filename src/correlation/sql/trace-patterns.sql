-- The log patterns a trace's lines fell into, from the pattern trace samples.
SELECT s.bucket, r.urn AS resource, p.fingerprint, p.pattern, p.severity, s.span_id, s.is_error, s.lines,
       s.attrs, lp.count_total, lp.count_error, l.bucket AS oo_bucket, l.object_key, l.query_hint
  FROM log_pattern_trace_5m s
  JOIN dim_resource r ON r.resource_id = s.resource_id
  JOIN log_pattern_resolved rp ON rp.fingerprint_id = s.fingerprint_id
  JOIN log_pattern p ON p.fingerprint_id = rp.canonical_id
  LEFT JOIN log_pattern_5m lp
    ON lp.bucket = s.bucket AND lp.tenant_id = s.tenant_id
   AND lp.resource_id = s.resource_id AND lp.fingerprint_id = s.fingerprint_id
  LEFT JOIN oo_locator l ON l.id = lp.sample_ref
 WHERE s.tenant_id = $1 AND s.trace_id = $2
 ORDER BY s.bucket, r.urn, p.fingerprint
 LIMIT 1000
