-- Names of a signal (optionally of one namespace) in [from, to).
SELECT signal, namespace, name, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       sum(count)::bigint AS count, sum(keys_overflow)::bigint AS keys_overflow,
       sum(sets_overflow)::bigint AS sets_overflow
  FROM discovery_name
 WHERE tenant_id = $1 AND ($2::text IS NULL OR signal = $2) AND ($3::text IS NULL OR namespace = $3)
   AND window_start >= $4::timestamptz - interval '1 day' AND window_start < $5::timestamptz
   AND last_seen >= $4::timestamptz AND first_seen < $5::timestamptz
 GROUP BY signal, namespace, name
 ORDER BY signal, namespace, name
 LIMIT $6
