-- The AGE graph of the active call graph: (:Resource)-[:CALLS]->(:Resource) and [:STRUCT {relation}],
-- with the indexes the refresh relies on (reference/postgres-extensions.md): a GIN index on vertex
-- properties (Cypher MERGE/MATCH use it; create it with fastupdate = off), a unique vertex key
-- (tenant_id, resource_id) and unique edge ends for the set-based SQL refresh. Idempotent.
--
-- Every name below is schema-qualified. The search_path is put back to the connection's own, with
-- ag_catalog appended for this transaction: migrate.ts sets it to `ag_catalog, "$user", public`
-- before this file, which hides the tables of a schema other than public from what follows.
RESET search_path;
SELECT set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = {{graph_name}}) THEN
    PERFORM ag_catalog.create_graph({{graph_name}});
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = {{graph_name}} AND l.name = 'Resource') THEN
    PERFORM ag_catalog.create_vlabel({{graph_name}}, 'Resource');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = {{graph_name}} AND l.name = 'CALLS') THEN
    PERFORM ag_catalog.create_elabel({{graph_name}}, 'CALLS');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = {{graph_name}} AND l.name = 'STRUCT') THEN
    PERFORM ag_catalog.create_elabel({{graph_name}}, 'STRUCT');
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS "Resource_props_gin" ON {{graph}}."Resource" USING gin (properties) WITH (fastupdate = off);
CREATE UNIQUE INDEX IF NOT EXISTS "Resource_key" ON {{graph}}."Resource" (
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"tenant_id"'::ag_catalog.agtype]),
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"resource_id"'::ag_catalog.agtype])
);
CREATE UNIQUE INDEX IF NOT EXISTS "CALLS_ends" ON {{graph}}."CALLS" (start_id, end_id);
-- Label tables have no index on id or end_id of their own; Cypher joins use these (impact queries).
CREATE INDEX IF NOT EXISTS "Resource_id" ON {{graph}}."Resource" (id);
CREATE INDEX IF NOT EXISTS "CALLS_end" ON {{graph}}."CALLS" (end_id);
CREATE UNIQUE INDEX IF NOT EXISTS "STRUCT_ends_relation" ON {{graph}}."STRUCT" (
  start_id,
  end_id,
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"relation"'::ag_catalog.agtype])
);
