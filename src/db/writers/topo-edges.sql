-- Open edges of one (tenant, origin), locked so two runs of the same origin diff one after the other.
SELECT t.src_resource_id, t.dst_resource_id, s.urn AS src, d.urn AS dst, t.relation, t.props,
       (extract(epoch FROM lower(t.valid)) * 1000)::float8 AS valid_from
  FROM topo_edge_time t
  JOIN dim_resource s ON s.resource_id = t.src_resource_id
  JOIN dim_resource d ON d.resource_id = t.dst_resource_id
 WHERE t.tenant_id = $1 AND t.origin = $2 AND upper_inf(t.valid)
 FOR UPDATE OF t
