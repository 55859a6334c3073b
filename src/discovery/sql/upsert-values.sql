-- A job window's values. $1-$6 as in upsert-names.sql (the window's names); per value $7 its name's
-- position in $4-$6 (1-based), $8 key, $9 value, $10/$11 first/last seen (epoch ms), $12 count.
-- Upserted in the order given; a re-run that changes nothing updates nothing.
WITH n AS (SELECT * FROM unnest($4::float8[], $5::text[], $6::text[]) WITH ORDINALITY AS n(w, ns, name, i))
INSERT INTO discovery_value AS t (window_start, tenant_id, signal, namespace, name, key, value, first_seen,
                                  last_seen, count)
SELECT to_timestamp(trunc(n.w) / 1000), $1, $2, n.ns, n.name, u.k, u.v, to_timestamp(trunc(u.f) / 1000), to_timestamp(trunc(u.l) / 1000),
       u.c
  FROM unnest($7::int[], $8::text[], $9::text[], $10::float8[], $11::float8[], $12::bigint[])
       WITH ORDINALITY AS u(i, k, v, f, l, c, ord)
  JOIN n ON n.i = u.i
 ORDER BY u.ord
ON CONFLICT (window_start, tenant_id, signal, namespace, name, key, value) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $3::boolean THEN EXCLUDED.count ELSE 0 END
WHERE $3::boolean OR EXCLUDED.first_seen < t.first_seen OR EXCLUDED.last_seen > t.last_seen
