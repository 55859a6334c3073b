-- Log templates of a tenant similar to a text (pg_trgm word_similarity over the GIN trigram index;
-- `<%` reads pg_trgm.word_similarity_threshold, set by the caller for its transaction), with their
-- counts over [from, to) and, when $3 is set, only those seen on that resource in the span.
-- $1 tenant_id, $2 text, $3 urn or NULL, $4 from, $5 to, $6 limit, $7 the text as an escaped ILIKE substring pattern
SELECT p.fingerprint, p.pattern, p.severity, p.sample_message, p.first_seen, p.last_seen,
       word_similarity($2, p.pattern) AS similarity,
       coalesce(sum(b.count_total), 0)::bigint AS count_total,
       coalesce(sum(b.count_error), 0)::bigint AS count_error
FROM log_pattern p
LEFT JOIN log_pattern_5m b
  ON b.tenant_id = p.tenant_id AND b.fingerprint_id = p.fingerprint_id
 AND b.bucket >= $4::timestamptz AND b.bucket < $5::timestamptz
 AND ($3::text IS NULL OR b.resource_id = (SELECT resource_id FROM dim_resource WHERE tenant_id = $1 AND urn = $3))
WHERE p.tenant_id = $1 AND ($2 <% p.pattern OR p.pattern ILIKE $7)
GROUP BY p.fingerprint_id
HAVING $3::text IS NULL OR sum(b.count_total) > 0
ORDER BY similarity DESC, count_total DESC, p.fingerprint
LIMIT $6
