-- SQL mode: upserts the tenant's :CALLS edges from graph_active_edge (which keeps first_seen).
-- Property types match what the Cypher mode writes: integers for counts, floats for rates, ISO-8601
-- UTC strings for times; a null p95 is left out, as Cypher's SET of a map does. Both ends are found
-- through the unique vertex key index.
INSERT INTO {{graph}}."CALLS" (start_id, end_id, properties)
SELECT s.id, d.id,
       ag_catalog.agtype_build_map_nonull(
         'first_seen', to_char(e.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'last_seen', to_char(e.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'calls', e.calls,
         'errors', e.errors,
         'rps', e.rps,
         'err_rate', e.err_rate,
         'p95', e.p95_ms)
  FROM graph_active_edge e
  JOIN {{graph}}."Resource" s
    ON ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
   AND ag_catalog.agtype_access_operator(VARIADIC ARRAY[s.properties, '"resource_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) e.src_resource_id::ag_catalog.agtype
  JOIN {{graph}}."Resource" d
    ON ag_catalog.agtype_access_operator(VARIADIC ARRAY[d.properties, '"tenant_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) $1::bigint::ag_catalog.agtype
   AND ag_catalog.agtype_access_operator(VARIADIC ARRAY[d.properties, '"resource_id"'::ag_catalog.agtype]) OPERATOR(ag_catalog.=) e.dst_resource_id::ag_catalog.agtype
 WHERE e.tenant_id = $1
ON CONFLICT (start_id, end_id)
DO UPDATE SET properties = EXCLUDED.properties
 WHERE {{graph}}."CALLS".properties OPERATOR(ag_catalog.<>) EXCLUDED.properties
