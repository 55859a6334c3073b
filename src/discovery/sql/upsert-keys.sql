INSERT INTO discovery_key AS t (window_start, tenant_id, signal, namespace, name, key, first_seen, last_seen, count,
                                values_overflow)
SELECT w, $1, $2, ns, n, k, f, l, c, vo
  FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $9::timestamptz[],
              $10::bigint[], $11::bigint[]) AS u(w, ns, n, k, f, l, c, vo)
ON CONFLICT (window_start, tenant_id, signal, namespace, name, key) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $8::boolean THEN EXCLUDED.count ELSE 0 END,
  values_overflow = CASE WHEN $8::boolean THEN t.values_overflow + EXCLUDED.values_overflow
                         ELSE greatest(t.values_overflow, EXCLUDED.values_overflow) END
