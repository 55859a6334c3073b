INSERT INTO discovery_set AS t (window_start, tenant_id, signal, namespace, name, set_hash, attrs, first_seen,
                                last_seen, count)
SELECT w, $1, $2, ns, n, md5(a), a::jsonb, f, l, c
  FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $9::timestamptz[],
              $10::bigint[]) AS u(w, ns, n, a, f, l, c)
ON CONFLICT (window_start, tenant_id, signal, namespace, name, set_hash) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $8::boolean THEN EXCLUDED.count ELSE 0 END
