-- Namespaces (services) per signal in [from, to): $2 signal or NULL for all. Names are grouped first
-- (a hash aggregate) and then counted: count(DISTINCT name) sorted every window row, on disk at 30 days.
SELECT signal, namespace, count(*)::int AS names, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       sum(count)::bigint AS count
  FROM (SELECT signal, namespace, name, min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(count) AS count
          FROM discovery_name
         WHERE tenant_id = $1 AND ($2::text IS NULL OR signal = $2)
           AND window_start >= $3::timestamptz - interval '1 day' AND window_start < $4::timestamptz
           AND last_seen >= $3::timestamptz AND first_seen < $4::timestamptz
         GROUP BY signal, namespace, name) n
 GROUP BY signal, namespace
 ORDER BY signal, namespace
 LIMIT $5
