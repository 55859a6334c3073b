INSERT INTO discovery_value AS t (window_start, tenant_id, signal, namespace, name, key, value, first_seen,
                                  last_seen, count)
SELECT w, $1, $2, ns, n, k, v, f, l, c
  FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $9::timestamptz[],
              $10::timestamptz[], $11::bigint[]) AS u(w, ns, n, k, v, f, l, c)
ON CONFLICT (window_start, tenant_id, signal, namespace, name, key, value) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $8::boolean THEN EXCLUDED.count ELSE 0 END
