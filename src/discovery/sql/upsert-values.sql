-- A job window's values. $1-$6 as in upsert-names.sql (the window's names); $7-$12 JSON arrays, one
-- element per value: its name's position in $4-$6 (1-based), key, value, first/last seen (epoch ms),
-- count. JSON: one string to build and parse per column, where a text[] parameter escapes every
-- element. Upserted in the order given; a re-run that changes nothing updates nothing.
WITH n AS (SELECT * FROM unnest($4::float8[], $5::text[], $6::text[]) WITH ORDINALITY AS n(w, ns, name, i))
INSERT INTO discovery_value AS t (window_start, tenant_id, signal, namespace, name, key, value, first_seen,
                                  last_seen, count)
SELECT to_timestamp(trunc(n.w) / 1000), $1, $2, n.ns, n.name, u.k, u.v, to_timestamp(trunc(u.f::float8) / 1000),
       to_timestamp(trunc(u.l::float8) / 1000), u.c::bigint
  FROM ROWS FROM (json_array_elements_text($7::json), json_array_elements_text($8::json),
                 json_array_elements_text($9::json), json_array_elements_text($10::json),
                 json_array_elements_text($11::json), json_array_elements_text($12::json))
       WITH ORDINALITY AS u(i, k, v, f, l, c, ord)
  JOIN n ON n.i = u.i::int
 ORDER BY u.ord
ON CONFLICT (window_start, tenant_id, signal, namespace, name, key, value) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $3::boolean THEN EXCLUDED.count ELSE 0 END
WHERE $3::boolean OR EXCLUDED.first_seen < t.first_seen OR EXCLUDED.last_seen > t.last_seen
