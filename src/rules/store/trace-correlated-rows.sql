-- Rules: for each trace-correlated pattern of an edge (resource, canonical fingerprint), its busiest
-- log_pattern_5m row in the ranked range ±5 minutes (the ranking's own span for lines), so the link
-- names a summary row and that row's locator (the OO SQL for the raw lines). A renamed or merged
-- pattern's rows count under its canonical fingerprint (log_pattern_resolved), as in the ranking.
-- $1 tenant_id, $2 from, $3 to, $4 resource ids, $5 canonical fingerprint ids
SELECT DISTINCT ON (u.ord) u.ord, p.bucket, p.resource_id, p.fingerprint_id, p.count_total, p.count_error,
       p.sample_ref, lp.fingerprint
  FROM unnest($4::bigint[], $5::bigint[]) WITH ORDINALITY AS u(resource_id, canonical_id, ord)
  JOIN log_pattern_resolved rp ON rp.tenant_id = $1 AND rp.canonical_id = u.canonical_id
  JOIN log_pattern_5m p ON p.tenant_id = $1 AND p.resource_id = u.resource_id AND p.fingerprint_id = rp.fingerprint_id
   AND p.bucket >= $2::timestamptz - interval '5 minutes' AND p.bucket < $3::timestamptz + interval '5 minutes'
  JOIN log_pattern lp ON lp.fingerprint_id = p.fingerprint_id
 ORDER BY u.ord, p.count_error DESC, p.count_total DESC, p.bucket DESC, p.fingerprint_id
