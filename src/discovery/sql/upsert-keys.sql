-- A job window's keys. $1-$6 as in upsert-names.sql (the window's names); per key $7 its name's
-- position in $4-$6 (1-based), $8 the key, $9/$10 first/last seen (epoch ms), $11 count, $12 values
-- turned away by the cap. Upserted in the order given; a re-run that changes nothing updates nothing.
WITH n AS (SELECT * FROM unnest($4::float8[], $5::text[], $6::text[]) WITH ORDINALITY AS n(w, ns, name, i))
INSERT INTO discovery_key AS t (window_start, tenant_id, signal, namespace, name, key, first_seen, last_seen, count,
                                values_overflow)
SELECT to_timestamp(trunc(n.w) / 1000), $1, $2, n.ns, n.name, u.k, to_timestamp(trunc(u.f) / 1000), to_timestamp(trunc(u.l) / 1000), u.c,
       u.vo
  FROM unnest($7::int[], $8::text[], $9::float8[], $10::float8[], $11::bigint[], $12::bigint[])
       WITH ORDINALITY AS u(i, k, f, l, c, vo, ord)
  JOIN n ON n.i = u.i
 ORDER BY u.ord
ON CONFLICT (window_start, tenant_id, signal, namespace, name, key) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $3::boolean THEN EXCLUDED.count ELSE 0 END,
  values_overflow = CASE WHEN $3::boolean THEN t.values_overflow + EXCLUDED.values_overflow
                         ELSE greatest(t.values_overflow, EXCLUDED.values_overflow) END
WHERE $3::boolean OR EXCLUDED.first_seen < t.first_seen OR EXCLUDED.last_seen > t.last_seen
   OR EXCLUDED.values_overflow > t.values_overflow
