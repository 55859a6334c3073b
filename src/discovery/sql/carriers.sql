-- Which (signal, namespace, name) carry key = value in [from, to).
SELECT signal, namespace, name, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       sum(count)::bigint AS count
  FROM discovery_value
 WHERE tenant_id = $1 AND key = $2 AND value = $3 AND ($4::text IS NULL OR signal = $4)
   AND window_start >= $5::timestamptz - interval '1 day' AND window_start < $6::timestamptz
   AND last_seen >= $5::timestamptz AND first_seen < $6::timestamptz
 GROUP BY signal, namespace, name
 ORDER BY count DESC, signal, namespace, name
 LIMIT $7
