-- Typical query 3: the topology valid at one instant (tenant-scoped), a page at a time in
-- (src, dst, relation, origin) order. Ranges of one edge of one origin never overlap
-- (ex_topo_edge_no_overlap), so that tuple is unique at any instant and makes a keyset cursor.
-- $1 tenant_id, $2 instant, $3..$6 the last row of the previous page (all null for the first), $7 limit
SELECT s.urn AS src, s.type AS src_type, d.urn AS dst, d.type AS dst_type, t.relation, t.origin, t.props,
       lower(t.valid) AS valid_from, upper(t.valid) AS valid_to
FROM topo_edge_time t
JOIN dim_resource s ON s.resource_id = t.src_resource_id AND s.tenant_id = t.tenant_id
JOIN dim_resource d ON d.resource_id = t.dst_resource_id AND d.tenant_id = t.tenant_id
WHERE t.tenant_id = $1 AND t.valid @> $2::timestamptz
  AND ($3::text IS NULL OR (s.urn, d.urn, t.relation, t.origin) > ($3::text, $4::text, $5::text, $6::text))
ORDER BY s.urn, d.urn, t.relation, t.origin
LIMIT $7
