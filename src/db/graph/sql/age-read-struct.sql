-- Cypher mode input: the tenant's structural edges.
SELECT src_resource_id AS src, dst_resource_id AS dst, relation
  FROM graph_struct_edge
 WHERE tenant_id = $1
 ORDER BY src_resource_id, dst_resource_id, relation
