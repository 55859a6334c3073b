-- The keys of one (signal, namespace, name) in [from, to), with how many values each had.
SELECT key, min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(count)::bigint AS count,
       sum(values_overflow)::bigint AS values_overflow
  FROM discovery_key
 WHERE tenant_id = $1 AND signal = $2 AND namespace = $3 AND name = $4
   AND window_start >= $5::timestamptz - interval '1 day' AND window_start < $6::timestamptz
   AND last_seen >= $5::timestamptz AND first_seen < $6::timestamptz
 GROUP BY key
 ORDER BY key
 LIMIT 1000
