-- Rules: the topology edges touching a resource that were valid at a time (up to 10 per resource).
-- $1 tenant_id, $2 times, $3 resource ids
SELECT ord, src_resource_id, dst_resource_id, relation, origin, valid_from, src, dst
FROM (
  SELECT u.ord, t.src_resource_id, t.dst_resource_id, t.relation, t.origin, lower(t.valid) AS valid_from,
         s.urn AS src, d.urn AS dst,
         row_number() OVER (PARTITION BY u.ord ORDER BY s.urn, d.urn, t.relation, t.origin) AS rn
  FROM unnest($2::timestamptz[], $3::bigint[]) WITH ORDINALITY AS u(at, resource_id, ord)
  JOIN topo_edge_time t ON t.tenant_id = $1 AND (t.src_resource_id = u.resource_id OR t.dst_resource_id = u.resource_id)
                       AND t.valid @> u.at
  JOIN dim_resource s ON s.resource_id = t.src_resource_id
  JOIN dim_resource d ON d.resource_id = t.dst_resource_id
) x
WHERE rn <= 10
ORDER BY ord, rn
