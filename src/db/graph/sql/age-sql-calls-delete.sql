-- SQL mode: deletes the tenant's :CALLS edges that graph_active_edge no longer holds.
WITH v AS (
  SELECT id, ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"resource_id"'::ag_catalog.agtype])::bigint AS rid
    FROM {{graph}}."Resource"
   WHERE ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"tenant_id"'::ag_catalog.agtype]) = $1::bigint::ag_catalog.agtype
), want AS (
  SELECT s.id AS start_id, d.id AS end_id
    FROM graph_active_edge e
    JOIN v s ON s.rid = e.src_resource_id
    JOIN v d ON d.rid = e.dst_resource_id
   WHERE e.tenant_id = $1
)
DELETE FROM {{graph}}."CALLS" c
 USING v
 WHERE c.start_id = v.id
   AND NOT EXISTS (SELECT 1 FROM want w WHERE w.start_id = c.start_id AND w.end_id = c.end_id)
