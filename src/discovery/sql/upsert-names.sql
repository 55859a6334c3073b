-- $8 (first): whether this job window is applied for the first time; a re-run adds no counts.
INSERT INTO discovery_name AS t (window_start, tenant_id, signal, namespace, name, first_seen, last_seen, count,
                                 keys_overflow, sets_overflow)
SELECT w, $1, $2, ns, n, f, l, c, ko, so
  FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $9::bigint[],
              $10::bigint[], $11::bigint[]) AS u(w, ns, n, f, l, c, ko, so)
ON CONFLICT (window_start, tenant_id, signal, namespace, name) DO UPDATE SET
  first_seen = least(t.first_seen, EXCLUDED.first_seen),
  last_seen = greatest(t.last_seen, EXCLUDED.last_seen),
  count = t.count + CASE WHEN $8::boolean THEN EXCLUDED.count ELSE 0 END,
  keys_overflow = CASE WHEN $8::boolean THEN t.keys_overflow + EXCLUDED.keys_overflow
                       ELSE greatest(t.keys_overflow, EXCLUDED.keys_overflow) END,
  sets_overflow = CASE WHEN $8::boolean THEN t.sets_overflow + EXCLUDED.sets_overflow
                       ELSE greatest(t.sets_overflow, EXCLUDED.sets_overflow) END
