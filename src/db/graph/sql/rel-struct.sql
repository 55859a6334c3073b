SELECT src_resource_id AS src, dst_resource_id AS dst, relation FROM graph_struct_edge WHERE tenant_id = $1
