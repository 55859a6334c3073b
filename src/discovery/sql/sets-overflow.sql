-- Whether any name carrying key = value overflowed its attribute sets (the co-occurrence is then partial).
SELECT coalesce(sum(n.sets_overflow), 0)::bigint AS overflow
  FROM discovery_name n
 WHERE n.tenant_id = $1 AND ($2::text IS NULL OR n.signal = $2)
   AND n.window_start >= $3::timestamptz - interval '1 day' AND n.window_start < $4::timestamptz
   AND EXISTS (SELECT 1 FROM discovery_value v
                WHERE v.window_start = n.window_start AND v.tenant_id = n.tenant_id AND v.signal = n.signal
                  AND v.namespace = n.namespace AND v.name = n.name AND v.key = $5 AND v.value = $6)
