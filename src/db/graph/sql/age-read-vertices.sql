-- Cypher mode input: the endpoints of the tenant's active and structural edges.
SELECT r.tenant_id, r.resource_id, r.urn, r.type
  FROM dim_resource r
 WHERE r.tenant_id = $1
   AND r.resource_id IN (SELECT src_resource_id FROM graph_active_edge WHERE tenant_id = $1
                         UNION SELECT dst_resource_id FROM graph_active_edge WHERE tenant_id = $1
                         UNION SELECT src_resource_id FROM graph_struct_edge WHERE tenant_id = $1
                         UNION SELECT dst_resource_id FROM graph_struct_edge WHERE tenant_id = $1)
 ORDER BY r.resource_id
