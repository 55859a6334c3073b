-- SQL mode: deletes the tenant's :CALLS edges that graph_active_edge no longer holds. Every step is
-- an index lookup (vertex key, CALLS_ends, Resource_id, the table's primary key), so the plan does not
-- depend on statistics that a refresh has just made stale.
DELETE FROM {{graph}}."CALLS" c
 USING {{graph}}."Resource" s, {{graph}}."Resource" d
 WHERE ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
   AND c.start_id = s.id
   AND d.id = c.end_id
   AND NOT EXISTS (SELECT 1 FROM graph_active_edge e
                    WHERE e.tenant_id = $1
                      AND e.src_resource_id = ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"resource_id"'::ag_catalog.agtype])::bigint
                      AND e.dst_resource_id = ag_catalog.agtype_access_operator(VARIADIC ARRAY[d.properties, '"resource_id"'::ag_catalog.agtype])::bigint)
