-- Apache AGE present: graph `ops` with (:Resource)-[:CALLS]->(:Resource). The label tables get the
-- indexes the refresh relies on (reference/postgres-extensions.md): a GIN index on vertex properties
-- (used by Cypher MERGE) and unique keys for the set-based SQL refresh.
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
END $$;
CREATE INDEX IF NOT EXISTS idx_ops_resource_props ON ops."Resource" USING gin (properties) WITH (fastupdate = off);
CREATE UNIQUE INDEX IF NOT EXISTS ux_ops_resource_key ON ops."Resource" (
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"tenant_id"'::ag_catalog.agtype]),
  ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '"resource_id"'::ag_catalog.agtype])
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_ops_calls_ends ON ops."CALLS" (start_id, end_id);
