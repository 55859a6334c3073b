-- SQL mode: upserts the :Resource vertices of every endpoint of the tenant's active and structural
-- edges, keyed by (tenant_id, resource_id). Vertices are never deleted here: they outlive their edges.
INSERT INTO {{graph}}."Resource" (properties)
SELECT ag_catalog.agtype_build_map('tenant_id', r.tenant_id, 'resource_id', r.resource_id, 'urn', r.urn, 'type', r.type)
  FROM dim_resource r
 WHERE r.tenant_id = $1
   AND r.resource_id IN (SELECT src_resource_id FROM graph_active_edge WHERE tenant_id = $1
                         UNION SELECT dst_resource_id FROM graph_active_edge WHERE tenant_id = $1
                         UNION SELECT src_resource_id FROM graph_struct_edge WHERE tenant_id = $1
                         UNION SELECT dst_resource_id FROM graph_struct_edge WHERE tenant_id = $1)
ON CONFLICT (ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"tenant_id"'::ag_catalog.agtype]), ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"resource_id"'::ag_catalog.agtype]))
DO UPDATE SET properties = EXCLUDED.properties
 WHERE {{graph}}."Resource".properties OPERATOR(ag_catalog.<>) EXCLUDED.properties
