-- Values of the keys of one (signal, namespace, name) in [from, to): the $8 most frequent per key,
-- of key $7 only when given; `distinct_values` counts them all.
SELECT key, value, first_seen, last_seen, count, distinct_values
  FROM (SELECT key, value, min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(count)::bigint AS count,
               row_number() OVER (PARTITION BY key ORDER BY sum(count) DESC, value) AS rank,
               (count(*) OVER (PARTITION BY key))::int AS distinct_values
          FROM discovery_value
         WHERE tenant_id = $1 AND signal = $2 AND namespace = $3 AND name = $4
           AND ($7::text IS NULL OR key = $7)
           AND window_start >= $5::timestamptz - interval '1 day' AND window_start < $6::timestamptz
           AND last_seen >= $5::timestamptz AND first_seen < $6::timestamptz
         GROUP BY key, value) v
 WHERE rank <= $8
 ORDER BY key, rank
