-- SQL mode: brings the tenant's :STRUCT {relation} edges to graph_struct_edge (delete, then insert),
-- finding vertices through the unique vertex key index as the CALLS statements do.
WITH want AS (
  SELECT s.id AS start_id, d.id AS end_id, ag_catalog.agtype_build_map('relation', e.relation) AS properties
    FROM graph_struct_edge e
    JOIN {{graph}}."Resource" s
      ON ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
     AND ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"resource_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) e.src_resource_id::ag_catalog.agtype
    JOIN {{graph}}."Resource" d
      ON ag_catalog.agtype_access_operator(VARIADIC ARRAY[d.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
     AND ag_catalog.agtype_access_operator(VARIADIC ARRAY[d.properties, '"resource_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) e.dst_resource_id::ag_catalog.agtype
   WHERE e.tenant_id = $1
), removed AS (
  DELETE FROM {{graph}}."STRUCT" c
   USING {{graph}}."Resource" s
   WHERE ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
     AND c.start_id = s.id
     AND NOT EXISTS (SELECT 1 FROM want w
                      WHERE w.start_id = c.start_id AND w.end_id = c.end_id AND w.properties OPERATOR(ag_catalog.=) c.properties)
  RETURNING 1
), added AS (
  INSERT INTO {{graph}}."STRUCT" (start_id, end_id, properties)
  SELECT start_id, end_id, properties FROM want
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM removed) AS removed, (SELECT count(*) FROM added) AS added
