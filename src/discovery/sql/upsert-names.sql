-- A job window's names. $1 tenant, $2 signal, $3 first: whether this job window is applied for the
-- first time (a re-run adds no counts); $4-$6 per name its debounce window start (epoch ms),
-- namespace and name; $7-$11 first/last seen (epoch ms), count, keys and sets turned away by the caps.
-- Rows are upserted in the order given (the caller's lock order); a re-run that changes nothing
-- updates nothing.
INSERT INTO discovery_name AS t (window_start, tenant_id, signal, namespace, name, first_seen, last_seen, count,
                                 keys_overflow, sets_overflow)
SELECT to_timestamp(trunc(u.w) / 1000), $1, $2, u.ns, u.n, to_timestamp(trunc(u.f) / 1000), to_timestamp(trunc(u.l) / 1000),
       u.c, u.ko, u.so
  FROM unnest($4::float8[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::bigint[], $10::bigint[],
              $11::bigint[]) WITH ORDINALITY AS u(w, ns, n, f, l, c, ko, so, ord)
 ORDER BY u.ord
ON CONFLICT (window_start, tenant_id, signal, namespace, name) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $3::boolean THEN EXCLUDED.count ELSE 0 END,
  keys_overflow = CASE WHEN $3::boolean THEN t.keys_overflow + EXCLUDED.keys_overflow
                       ELSE greatest(t.keys_overflow, EXCLUDED.keys_overflow) END,
  sets_overflow = CASE WHEN $3::boolean THEN t.sets_overflow + EXCLUDED.sets_overflow
                       ELSE greatest(t.sets_overflow, EXCLUDED.sets_overflow) END
WHERE $3::boolean OR EXCLUDED.first_seen < t.first_seen OR EXCLUDED.last_seen > t.last_seen
   OR EXCLUDED.keys_overflow > t.keys_overflow OR EXCLUDED.sets_overflow > t.sets_overflow
