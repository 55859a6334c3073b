-- The other keys (and values) that occur in the same records as key = value, from the distinct
-- attribute sets, optionally of one signal / namespace / name.
SELECT kv.key, kv.value, count(*)::int AS sets, sum(s.count)::bigint AS count
  FROM discovery_set s
 CROSS JOIN LATERAL jsonb_each_text(s.attrs) AS kv(key, value)
 WHERE s.tenant_id = $1 AND s.attrs @> $2::jsonb
   AND ($3::text IS NULL OR s.signal = $3) AND ($4::text IS NULL OR s.namespace = $4)
   AND ($5::text IS NULL OR s.name = $5)
   AND s.window_start >= $6::timestamptz - interval '1 day' AND s.window_start < $7::timestamptz
   AND s.last_seen >= $6::timestamptz AND s.first_seen < $7::timestamptz
   AND kv.key <> $8
 GROUP BY kv.key, kv.value
 ORDER BY kv.key, count DESC, kv.value
 LIMIT $9
