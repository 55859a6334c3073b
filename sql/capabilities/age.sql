-- Apache AGE present: graph `ops` with (:Resource)-[:CALLS]->(:Resource) and [:STRUCT {relation}].
-- migrate.ts runs `LOAD 'age'` and puts ag_catalog on the search_path first. This file is
-- src/db/graph/sql/age-graph.sql rendered for `ops` (a unit test keeps the two the same); the refresh
-- runs that template itself for a graph named otherwise in jobs.age-refresh.options.graph.
RESET search_path;
SELECT set_config('search_path', current_setting('search_path') || ', ag_catalog', true);
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'ops') THEN
    PERFORM ag_catalog.create_graph('ops');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = 'ops' AND l.name = 'Resource') THEN
    PERFORM ag_catalog.create_vlabel('ops', 'Resource');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = 'ops' AND l.name = 'CALLS') THEN
    PERFORM ag_catalog.create_elabel('ops', 'CALLS');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
                 WHERE g.name = 'ops' AND l.name = 'STRUCT') THEN
    PERFORM ag_catalog.create_elabel('ops', 'STRUCT');
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS "Resource_props_gin" ON "ops"."Resource" USING gin (properties) WITH (fastupdate = off);
CREATE UNIQUE INDEX IF NOT EXISTS "Resource_key" ON "ops"."Resource" (
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"tenant_id"'::ag_catalog.agtype]),
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"resource_id"'::ag_catalog.agtype])
);
CREATE UNIQUE INDEX IF NOT EXISTS "CALLS_ends" ON "ops"."CALLS" (start_id, end_id);
CREATE INDEX IF NOT EXISTS "Resource_id" ON "ops"."Resource" (id);
CREATE INDEX IF NOT EXISTS "CALLS_end" ON "ops"."CALLS" (end_id);
CREATE UNIQUE INDEX IF NOT EXISTS "STRUCT_ends_relation" ON "ops"."STRUCT" (
  start_id,
  end_id,
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"relation"'::ag_catalog.agtype])
);
