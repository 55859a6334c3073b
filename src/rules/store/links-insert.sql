-- Rules: evidence links of window $2, one per (event, dim, ref_pg, ref_oo) (the seed's hash-unique index).
-- Inserted in the given order (evidence_id follows it: readers list links by it, the join may not keep it).
-- A locator id of another tenant, or one pruned meanwhile, is stored as null rather than failing.
-- $1 tenant_id, $2 added_window, $3 event ids, $4 dims, $5 ref_pg (json text), $6 ref_oo, $7 notes
INSERT INTO evidence_link (event_id, dim, ref_pg, ref_oo, note, added_window)
SELECT u.event_id, u.dim, u.ref_pg::jsonb, l.id, u.note, $2::timestamptz
FROM unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY AS u(event_id, dim, ref_pg, ref_oo, note, ord)
LEFT JOIN oo_locator l ON l.id = u.ref_oo AND l.tenant_id = $1
ORDER BY u.ord
ON CONFLICT DO NOTHING
